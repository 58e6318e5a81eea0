// Run in a CommonJS consumer project, `node connection-error.cjs <port>`, with a loopback port
// nothing listens on: a connection error names the endpoint (password redacted) and the socket
// error.
// Prints PASS/FAIL lines; exits 1 on a failure.
'use strict';
const { inspect } = require('node:util');
const { createCache } = require('@cachex/all');

const port = process.argv[2];
const password = 's3cret-pw';
let failed = false;
const check = (name, ok, why) => {
  if (!ok) failed = true;
  console.log(ok ? `PASS ${name}` : `FAIL ${name}: ${why}`);
};

(async () => {
  const cache = createCache(`redis://:${password}@127.0.0.1:${port}/0`);
  let error;
  try {
    await cache.get('some-key');
  } catch (caught) {
    error = caught;
  } finally {
    await cache.close().catch(() => {});
  }
  if (error === undefined) {
    check('get() on a closed port rejects', false, 'it resolved');
    process.exitCode = 1;
    return;
  }
  const endpoint = `127.0.0.1:${port}`;
  const message = String(error.message);
  const context = JSON.stringify(error.context ?? {});
  check('ConnectionError (E_CONNECTION)', error.code === 'E_CONNECTION', `code ${error.code}`);
  check(
    'its message names the endpoint and the socket error',
    message.includes(endpoint) && message.includes('ECONNREFUSED'),
    JSON.stringify(message),
  );
  check(
    'its context names the endpoint',
    context.includes('127.0.0.1') && context.includes(port),
    context,
  );
  check(
    'the password is in neither its message, context nor inspect() (cause included)',
    !`${message}${context}${inspect(error, { depth: 10 })}`.includes(password),
    'the password is printed',
  );
  process.exitCode = failed ? 1 : 0;
})().catch((error) => {
  console.log(`FAIL connection error check: ${error?.stack ?? error}`);
  process.exitCode = 1;
});

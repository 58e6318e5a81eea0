// Run in a CommonJS consumer project: a CJS application that also import()s the packages loads
// both builds of @cachex/core. isCachexError must recognise the errors of either build; whether
// `instanceof` holds across the builds is printed as INFO (see the core README on the
// dual-package hazard). Prints PASS/FAIL/INFO lines; exits 1 on a failure.
'use strict';
const cjsCore = require('@cachex/core');
const cjsAll = require('@cachex/all');

let failed = false;
const check = (name, ok, why) => {
  if (!ok) failed = true;
  console.log(ok ? `PASS ${name}` : `FAIL ${name}: ${why}`);
};

/** The InvalidArgumentError of `set(key, value, 60)` (options must be an object). */
async function refusal(createCache) {
  const cache = createCache('memory://');
  try {
    await cache.set('k', 1, 60);
  } catch (error) {
    return error;
  } finally {
    await cache.close();
  }
  throw new Error('set(key, value, 60) was accepted');
}

(async () => {
  const esmCore = await import('@cachex/core');
  const esmAll = await import('@cachex/all');
  const fromEsm = await refusal(esmAll.createCache);
  const fromCjs = await refusal(cjsAll.createCache);
  check(
    'isCachexError (CJS build) recognises an error of the ESM build',
    cjsCore.isCachexError(fromEsm, 'E_INVALID_ARGUMENT'),
    `code ${fromEsm?.code}`,
  );
  check(
    'isCachexError (ESM build) recognises an error of the CJS build',
    esmCore.isCachexError(fromCjs, 'E_INVALID_ARGUMENT'),
    `code ${fromCjs?.code}`,
  );
  console.log(
    `INFO instanceof across builds: ESM error instanceof CJS CachexError = ${fromEsm instanceof cjsCore.CachexError}, CJS error instanceof ESM CachexError = ${fromCjs instanceof esmCore.CachexError}`,
  );
  process.exitCode = failed ? 1 : 0;
})().catch((error) => {
  console.log(`FAIL dual-package check: ${error?.stack ?? error}`);
  process.exitCode = 1;
});

// Run in an ESM consumer project: every configured compressor and serializer must be loadable
// when the codec is created, not when the first large value is written. A missing optional
// package is a MissingDependencyError (E_MISSING_DEPENDENCY) from createCodec itself.
// Prints PASS/FAIL/INFO lines; exits 1 on a failure.
import { deepStrictEqual } from 'node:assert';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { createCodec } from '@cachex/codecs';

const require = createRequire(join(process.cwd(), 'package.json'));
const installed = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

let failed = false;
const pass = (check) => console.log(`PASS ${check}`);
const fail = (check, why) => {
  failed = true;
  console.log(`FAIL ${check}: ${why}`);
};

/** createCodec(options) must throw E_MISSING_DEPENDENCY naming `pkg`. */
function refusedAtCreation(check, options, pkg) {
  let codec;
  try {
    codec = createCodec(options);
  } catch (error) {
    if (error?.code !== 'E_MISSING_DEPENDENCY') return fail(check, `threw ${error?.code ?? error}`);
    if (!String(error.message).includes(pkg)) return fail(check, `message omits ${pkg}`);
    return pass(check);
  }
  // Accepted: show what the first large value does instead.
  let later = 'nothing';
  try {
    codec.encode({ text: 'x'.repeat(10_000) });
  } catch (error) {
    later = error?.code ?? String(error);
  }
  fail(check, `createCodec accepted it; the first value over minLength then threw ${later}`);
}

async function roundTrips(check, options) {
  try {
    const codec = createCodec(options);
    const value = { text: 'x'.repeat(10_000), n: [1, 2, 3] };
    deepStrictEqual(await codec.decode(await codec.encode(value), 'k'), value);
    pass(check);
  } catch (error) {
    fail(check, error?.code ?? error?.message ?? String(error));
  }
}

if (installed('lz4-napi')) {
  console.log('INFO lz4-napi is installed here: its absence is not checked');
} else {
  refusedAtCreation(
    'createCodec({ compressor: "lz4" }) without lz4-napi: E_MISSING_DEPENDENCY at creation',
    { compressor: 'lz4' },
    'lz4-napi',
  );
}

if (typeof zlib.zstdCompressSync === 'function') {
  await roundTrips(
    `createCodec({ compressor: "zstd" }) on Node ${process.versions.node} (zlib has zstd): works without zstd-napi`,
    { compressor: 'zstd' },
  );
} else if (installed('zstd-napi')) {
  console.log('INFO zstd-napi is installed here: its absence is not checked');
} else {
  refusedAtCreation(
    `createCodec({ compressor: "zstd" }) on Node ${process.versions.node} without zstd-napi: E_MISSING_DEPENDENCY at creation`,
    { compressor: 'zstd' },
    'zstd-napi',
  );
}

if (installed('msgpackr')) {
  await roundTrips('createCodec({ serializer: "msgpack" }) with msgpackr installed', {
    serializer: 'msgpack',
  });
} else {
  refusedAtCreation(
    'createCodec({ serializer: "msgpack" }) without msgpackr: E_MISSING_DEPENDENCY at creation',
    { serializer: 'msgpack' },
    'msgpackr',
  );
}

process.exitCode = failed ? 1 : 0;

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The dual-package hazard: a CommonJS program that `import()`s an ES module dependency (or the
// other way round) loads both builds of @cachex/core, each with its own error classes. Errors
// thrown by one build must still be `instanceof` the classes of the other, and only of the
// right ones. Plain Node, on the built files, in a process of its own.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(packageDir, 'dist');

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

const script = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const cjs = require(${JSON.stringify(join(dist, 'index.cjs'))});
const cjsInternal = require(${JSON.stringify(join(dist, 'internal.cjs'))});
const esm = await import(${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)});
if (cjs.CachexError === esm.CachexError) throw new Error('one copy only: nothing to check');
const checks = {};
for (const [from, to, label] of [[cjs, esm, 'cjs->esm'], [esm, cjs, 'esm->cjs']]) {
  const connection = new from.ConnectionError('down');
  const wrongType = new from.WrongTypeError('WRONGTYPE');
  class AppError extends from.CachexError {
    constructor() { super('E_APP', 'app'); }
  }
  const app = new AppError();
  checks[label] = {
    connectionIsCachexError: connection instanceof to.CachexError,
    connectionIsConnectionError: connection instanceof to.ConnectionError,
    connectionIsTimeoutError: connection instanceof to.TimeoutError,
    connectionIsCommandError: connection instanceof to.CommandError,
    wrongTypeIsCommandError: wrongType instanceof to.CommandError,
    wrongTypeIsWrongTypeError: wrongType instanceof to.WrongTypeError,
    wrongTypeIsNotIntegerError: wrongType instanceof to.NotIntegerError,
    wrongTypeIsConnectionError: wrongType instanceof to.ConnectionError,
    appIsCachexError: app instanceof to.CachexError,
    appIsConnectionError: app instanceof to.ConnectionError,
    isCachexError: to.isCachexError(connection),
    isCachexErrorWithCode: to.isCachexError(connection, 'E_CONNECTION'),
    isCachexErrorOtherCode: to.isCachexError(connection, 'E_TIMEOUT'),
  };
}
const copy = cjsInternal.withErrorContext(new cjs.TimeoutError('slow'), { key: 'k' });
checks.copies = {
  copyIsTimeoutError: copy instanceof esm.TimeoutError,
  copyIsConnectionError: copy instanceof esm.ConnectionError,
};
checks.others = {
  plainError: new Error('x') instanceof esm.CachexError,
  brandedObject: { [Symbol.for('cachex.error')]: true } instanceof esm.CachexError,
  nullValue: null instanceof esm.CachexError,
  sameBuild: new esm.ConnectionError('x') instanceof esm.ConnectionError,
  sameBuildOther: new esm.ConnectionError('x') instanceof esm.TimeoutError,
};
process.stdout.write(JSON.stringify(checks));
`;

describe('instanceof across the CommonJS and ES module builds (dual-package hazard)', () => {
  it('an error of one build is an instance of the same classes of the other, and no others', () => {
    const built = Math.min(
      statSync(join(dist, 'index.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0,
      statSync(join(dist, 'index.cjs'), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    );
    if (built < newest(join(packageDir, 'src'))) {
      throw new Error(
        `${dist} is missing or older than src/: run \`pnpm --filter @cachex/core build\``,
      );
    }
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    const checks = JSON.parse(child.stdout) as Record<string, Record<string, boolean>>;
    const across = {
      connectionIsCachexError: true,
      connectionIsConnectionError: true,
      connectionIsTimeoutError: false,
      connectionIsCommandError: false,
      wrongTypeIsCommandError: true,
      wrongTypeIsWrongTypeError: true,
      wrongTypeIsNotIntegerError: false,
      wrongTypeIsConnectionError: false,
      appIsCachexError: true,
      appIsConnectionError: false,
      isCachexError: true,
      isCachexErrorWithCode: true,
      isCachexErrorOtherCode: false,
    };
    expect(checks).toEqual({
      'cjs->esm': across,
      'esm->cjs': across,
      copies: { copyIsTimeoutError: true, copyIsConnectionError: false },
      others: {
        plainError: false,
        brandedObject: false,
        nullValue: false,
        sameBuild: true,
        sameBuildOther: false,
      },
    });
  });
});

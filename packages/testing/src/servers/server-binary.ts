import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** Env var naming an explicit server binary (redis-server or valkey-server), e.g. a custom build. */
export const serverBinaryEnvVar = 'CACHEX_REDIS_SERVER';

const binaryNames = ['redis-server', 'valkey-server'] as const;

export const serverBinaryNotFoundMessage =
  'redis-server not found on PATH; install it with `apt-get install -y redis-server`';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the server binary: `CACHEX_REDIS_SERVER` first, then `redis-server`, then `valkey-server`
 * on PATH. Integration tests must never skip silently, so a missing binary is a loud error that
 * says how to install one.
 */
export function resolveServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[serverBinaryEnvVar];
  if (explicit !== undefined && explicit !== '') {
    // A relative value is taken from the working directory, like any other CLI path.
    const path = isAbsolute(explicit) ? explicit : resolve(explicit);
    if (!isExecutableFile(path)) {
      throw new Error(
        `${serverBinaryEnvVar}=${explicit} is not an executable file; point it at a redis-server or valkey-server binary, or unset it to search PATH`,
      );
    }
    return path;
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const name of binaryNames) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutableFile(path)) return path;
    }
  }
  throw new Error(serverBinaryNotFoundMessage);
}

export const cliBinaryNotFoundMessage =
  'redis-cli not found next to the server binary or on PATH (it creates the test cluster); install it with `apt-get install -y redis-tools`';

/**
 * Finds the CLI that goes with a server binary (`redis-cli` for redis-server, `valkey-cli` for
 * valkey-server), used to create the test cluster: first next to the server binary, then on
 * PATH. Missing, it is a loud error, never a skipped test.
 */
export function resolveCliBinary(
  serverBinary: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const preferred = basename(serverBinary).startsWith('valkey')
    ? ['valkey-cli', 'redis-cli']
    : ['redis-cli', 'valkey-cli'];
  const dirs = [dirname(serverBinary), ...(env.PATH ?? '').split(delimiter)].filter(
    (dir) => dir !== '' && dir !== '.',
  );
  for (const name of preferred) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutableFile(path)) return path;
    }
  }
  throw new Error(cliBinaryNotFoundMessage);
}

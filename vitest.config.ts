import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packagesDir = `${root}packages`;
const packageDirs = readdirSync(packagesDir).filter((d) =>
  existsSync(`${packagesDir}/${d}/package.json`),
);
const appsDir = `${root}apps`;
const appDirs = readdirSync(appsDir).filter((d) => existsSync(`${appsDir}/${d}/test`));

// Tests import sibling packages from source, so the inner loop needs no build. Subpath exports
// come first: the generic entries only match a bare package name.
const alias = [
  {
    find: /^@cachex\/testing\/servers$/,
    replacement: `${packagesDir}/testing/src/servers/index.ts`,
  },
  {
    find: /^@cachex\/express\/session$/,
    replacement: `${packagesDir}/express/src/session/index.ts`,
  },
  { find: /^@cachex\/core\/internal$/, replacement: `${packagesDir}/core/src/internal.ts` },
  {
    find: /^@cachex\/transport-standalone\/driver$/,
    replacement: `${packagesDir}/transport-standalone/src/driver/index.ts`,
  },
  ...packageDirs.map((dir) => ({
    find: new RegExp(`^@cachex/${dir}$`),
    replacement: `${packagesDir}/${dir}/src/index.ts`,
  })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    // Real redis-server processes, started once per run and stopped by PID.
    globalSetup: [`${packagesDir}/testing/src/global-setup.ts`],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    projects: [
      ...packageDirs.map((dir) => ({
        extends: true as const,
        test: {
          name: dir,
          root: `${packagesDir}/${dir}`,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        },
      })),
      // The benchmark's own helpers (the profile summary); the benchmark itself is `pnpm bench`.
      {
        extends: true as const,
        test: { name: 'bench', root: `${root}bench`, include: ['src/**/*.test.ts'] },
      },
      // Applications with end-to-end tests of their own.
      ...appDirs.map((dir) => ({
        extends: true as const,
        test: { name: `app-${dir}`, root: `${appsDir}/${dir}`, include: ['test/**/*.test.ts'] },
      })),
    ],
  },
});

import type { Options } from 'tsup';

/**
 * One build shape for every published package: ESM + CJS + declarations for both, so that
 * `import` and `require` both resolve (checked by publint and attw).
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { paths: {} } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    // import.meta.url is used to build a CJS-compatible `require` for optional peers.
    shims: true,
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}

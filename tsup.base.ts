import type { Options } from 'tsup';

/**
 * One build shape for every published package: ESM + CJS + declarations for both, so that
 * `import` and `require` both resolve (checked by publint and attw).
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: {
      compilerOptions: { paths: {} },
      // Every declaration file (chunks included) names Node's types itself, as ioredis' do: the
      // declarations use Buffer and node: modules, and TypeScript 7 loads no @types package
      // unless listed in `types` (its default is `types: []`).
      banner: '/// <reference types="node" />',
    },
    // No source maps in the tarballs: they were two thirds of every package's bytes (each format
    // embedding the TypeScript sources again) and recorded this machine's node_modules layout.
    // The output is not minified, so stack traces into dist/ stay readable.
    sourcemap: false,
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

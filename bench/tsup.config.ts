import { defineConfig } from 'tsup';

// One ESM bundle of the benchmark's own code; the @cachex packages, ioredis and the native
// compressors stay external (they are dependencies), so the run measures their built dist/.
// bentocache (a devDependency, which tsup would bundle) stays external too: bundled, its
// CommonJS dependencies' require() calls fail in an ESM bundle.
export default defineConfig({
  entry: ['src/main.ts', 'src/profile.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  external: [/^bentocache(\/|$)/],
});

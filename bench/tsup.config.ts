import { defineConfig } from 'tsup';

// One ESM bundle of the benchmark's own code; the @cachex packages, ioredis and the native
// compressors stay external (they are dependencies), so the run measures their built dist/.
export default defineConfig({
  entry: ['src/main.ts', 'src/profile.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
});

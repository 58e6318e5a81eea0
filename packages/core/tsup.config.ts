import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Two entries, the public API and `./internal`, sharing their modules through chunks
// (splitting): one copy of each error class, so `instanceof` holds across the two entries.
export default defineConfig(
  packageBuild({ entry: ['src/index.ts', 'src/internal.ts'], splitting: true }),
);

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Two entries: the package root, and `./servers` (the server harness alone, without vitest).
export default defineConfig(packageBuild({ entry: ['src/index.ts', 'src/servers/index.ts'] }));

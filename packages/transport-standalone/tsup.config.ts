import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Two entries, the transport and `./driver` (the plumbing sibling transports share), built with
// shared chunks so that both use one copy of each module.
export default defineConfig(
  packageBuild({ entry: ['src/index.ts', 'src/driver/index.ts'], splitting: true }),
);

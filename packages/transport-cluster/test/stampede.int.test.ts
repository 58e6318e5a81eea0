import { fileURLToPath } from 'node:url';
import { describeStampedeAcrossProcesses, getTestServers, randomPrefix } from '@cachex/testing';

// The children run the built packages from this package's directory. The key prefix has no
// hash tag, so the value and its flight lock live in different slots (and nodes, mostly).
describeStampedeAcrossProcesses('cluster', () => ({
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  imports: "import { createClusterTransport } from '@cachex/transport-cluster';",
  transport: `createClusterTransport({ location: ${JSON.stringify(getTestServers().cluster.url)} })`,
  keyPrefix: randomPrefix({ spread: true }),
}));

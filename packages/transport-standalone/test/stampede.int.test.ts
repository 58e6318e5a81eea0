import { fileURLToPath } from 'node:url';
import { describeStampedeAcrossProcesses, getTestServers, randomPrefix } from '@cachex/testing';

// The children run the built packages from this package's directory.
describeStampedeAcrossProcesses('standalone', () => ({
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  imports: "import { createStandaloneTransport } from '@cachex/transport-standalone';",
  transport: `createStandaloneTransport({ location: ${JSON.stringify(getTestServers().standalone.url)} })`,
  keyPrefix: randomPrefix(),
}));

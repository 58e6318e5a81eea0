import { getTestServers } from '@cachex/testing';
import { createStandaloneTransport } from '@cachex/transport-standalone';
import { describeScriptSuite } from './suite.js';

describeScriptSuite({
  name: 'standalone × ioredis',
  transport: () =>
    createStandaloneTransport({ location: getTestServers().standalone.url, driver: 'ioredis' }),
  nodes: () => [getTestServers().standalone],
});

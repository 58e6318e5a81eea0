import { getTestServers } from '@cachex/testing';
import { createClusterTransport } from '@cachex/transport-cluster';
import { describeScriptSuite } from './suite.js';

describeScriptSuite({
  name: 'cluster × ioredis',
  transport: () =>
    createClusterTransport({ location: getTestServers().cluster.url, driver: 'ioredis' }),
  // Every node: a key's primary, and the replicas a read-only script could be sent to.
  nodes: () => getTestServers().cluster.nodes,
  cluster: true,
});

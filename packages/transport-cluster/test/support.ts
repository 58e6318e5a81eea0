import { globEscape } from '@cachex/core';
import { getTestServers, type HostPort, runAdminCommand } from '@cachex/testing';
import { type ClusterTransport, createClusterTransport } from '../src/index.js';

/** A transport on the shared cluster of the run, with one of the two drivers. */
export function clusterTransport(driver: 'ioredis' | 'iovalkey'): ClusterTransport {
  return createClusterTransport({ location: getTestServers().cluster.url, driver });
}

/** How many keys matching `prefix*` a node holds (SCAN, on that node only). */
export async function keysOnNode(node: HostPort, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = (await runAdminCommand(
      node,
      'SCAN',
      cursor,
      'MATCH',
      `${globEscape(prefix)}*`,
      'COUNT',
      '1000',
    )) as [string, string[]];
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

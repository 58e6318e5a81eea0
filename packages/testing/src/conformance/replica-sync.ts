import type {
  BatchOptions,
  BatchResult,
  CommandGroup,
  RedisArg,
  Reply,
  RouteOptions,
  Transport,
} from '@cachex/core';

/**
 * Wraps a transport whose reads go to a replica so that conformance assertions never race
 * replication: after every write (a command without `read`, or a batch holding one) it sends
 * `WAIT <replicas> <timeoutMs>` to the primary, which returns once the replicas have processed
 * the write. Reads still go to the replica, so the read routing is what is being tested; no
 * test sleeps.
 */
export function withReplicaSync(inner: Transport, replicas = 1, timeoutMs = 2000): Transport {
  const wait = async (): Promise<void> => {
    const acked = await inner.command('WAIT', [replicas, timeoutMs]);
    if (typeof acked === 'number' && acked < replicas) {
      throw new Error(
        `replication did not catch up within ${timeoutMs} ms (${acked}/${replicas} replicas)`,
      );
    }
  };
  return {
    name: `${inner.name}+replica-sync`,
    capabilities: inner.capabilities,
    async command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
      const reply = await inner.command(name, args, options);
      if (options?.read !== true && name !== 'WAIT') await wait();
      return reply;
    },
    async batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
      const results = await inner.batch(groups, options);
      if (groups.some((g) => g.commands.some((c) => c.read !== true))) await wait();
      return results;
    },
    partitionKeys: (keys) => inner.partitionKeys(keys),
    scan: (options) => inner.scan(options),
    async broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
      const replies = await inner.broadcast(name, args);
      await wait();
      return replies;
    },
    getClient: (options) => inner.getClient(options),
    close: () => inner.close(),
  };
}

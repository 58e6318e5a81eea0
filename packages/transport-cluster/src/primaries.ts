import { ClosedError, type RedisArg, type Reply, type ScanOptions } from '@cachex/core';
import { type ClusterContext, clusterReady } from './cluster-context.js';

/**
 * The keys matching `options.match` on every primary, one primary after the other, in batches
 * as SCAN returns them (replicas may lag and miss fresh keys).
 */
export async function* scanPrimaries(
  context: ClusterContext,
  options: ScanOptions,
): AsyncGenerator<Buffer[], void, undefined> {
  if (context.closed()) throw new ClosedError();
  await clusterReady(context);
  for (const node of context.router.primaries()) {
    let cursor = '0';
    do {
      if (context.closed()) throw new ClosedError();
      const reply = (await node
        .callBuffer('SCAN', cursor, 'MATCH', options.match, 'COUNT', options.count ?? 500)
        .then(undefined, context.fail)) as [Buffer, Buffer[]];
      cursor = reply[0].toString();
      // Keys stay bytes: one that is not valid UTF-8 must be deleted by its own bytes.
      if (reply[1].length > 0) yield reply[1];
    } while (cursor !== '0');
  }
}

/** Runs a command on every primary at once (`FLUSHDB`…): their replies, in slot order. */
export async function broadcastToPrimaries(
  context: ClusterContext,
  name: string,
  args: readonly RedisArg[],
): Promise<Reply[]> {
  if (context.closed()) throw new ClosedError();
  await clusterReady(context);
  return Promise.all(
    context.router
      .primaries()
      .map(
        (node) => node.callBuffer(name, ...args).then(undefined, context.fail) as Promise<Reply>,
      ),
  );
}

import type { RedisArg, Reply } from '@cachex/core';
import type { ClusterContext } from './cluster-context.js';
import { redirected, resend } from './redirections.js';

/**
 * Sends one command to the node serving its slot (a replica for a read, per `readFrom`). A
 * command the node did not run (MOVED, ASK, a failover under way) goes again through the
 * driver. A command without a key spec (a raw command) is routed by the driver.
 */
export function sendCommand(
  context: ClusterContext,
  name: string,
  args: readonly RedisArg[],
  slot: number | undefined,
  read: boolean,
): Promise<Reply> {
  const node = slot === undefined ? undefined : context.router.nodeFor(slot, read);
  if (node === undefined) {
    return slot === undefined
      ? (context.cluster.callBuffer(name, ...args) as Promise<Reply>).then(undefined, context.fail)
      : resend(context, name, args);
  }
  return (node.callBuffer(name, ...args) as Promise<Reply>).then(undefined, (error) =>
    redirected(error) ? resend(context, name, args) : context.fail(error),
  );
}

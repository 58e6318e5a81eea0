import type { RedisArg, Reply, RouteOptions } from '@cachex/core';
import { callWithScript, holdWritesThisTick } from '@cachex/transport-standalone/driver';
import type { NodeClient } from './cluster-client.js';
import type { ClusterContext } from './cluster-context.js';
import { redirected, resend } from './redirections.js';

/**
 * The node connection a single command goes to: the one serving its slot (a replica for a
 * read, per `readFrom`); for a script without keys, any primary. Undefined: through the driver.
 */
function nodeFor(
  context: ClusterContext,
  slot: number | undefined,
  options: RouteOptions | undefined,
): NodeClient | undefined {
  if (slot !== undefined) return context.router.nodeFor(slot, options?.read === true);
  // No slot: a key spec that names no key, or none at all (a raw command: the driver finds
  // its keys, if any).
  const noKeys = options?.keys !== undefined;
  return noKeys && options?.script !== undefined ? context.router.anyPrimary() : undefined;
}

/**
 * Sends one command to the node serving its slot (`slot`: that of its keys, undefined when it
 * has none or no key spec). A script whose node answers NOSCRIPT is loaded on that node and
 * run once more. A command the node did not run (MOVED, ASK, a failover under way) goes again
 * through the driver; so does a command whose node is not known, and one without a key spec
 * (a raw command), which the driver routes. A command resent settles by `deadline`
 * (`performance.now()` time).
 */
export function sendCommand(
  context: ClusterContext,
  name: string,
  args: readonly RedisArg[],
  slot: number | undefined,
  options: RouteOptions | undefined,
  deadline: number,
): Promise<Reply> {
  const script = options?.script;
  const node = nodeFor(context, slot, options);
  if (node === undefined) {
    return slot === undefined && script === undefined
      ? (context.cluster.callBuffer(name, ...args) as Promise<Reply>).then(undefined, context.fail)
      : resend(context, name, args, script, slot, deadline);
  }
  // Commands to one node in one tick go out in one write (see holdWritesThisTick).
  holdWritesThisTick(node);
  const sent =
    script === undefined
      ? node.callBuffer(name, ...args)
      : callWithScript(node, name, args, script);
  return (sent as Promise<Reply>).then(undefined, (error) =>
    redirected(error) ? resend(context, name, args, script, slot, deadline) : context.fail(error),
  );
}

import { ClosedError, NO_KEYS, type RedisArg, type Reply, type Script } from '@cachex/core';
import type { Unit } from './batch-plan.js';
import { CONNECTION_CLOSED, type ReplyPair } from './cluster-client.js';
import type { ClusterContext } from './cluster-context.js';
import { sentByDriver } from './scripts.js';
import { groupBySlot } from './slots.js';
import { fillUnit, type Results, repliesOf, settleUnit, type UnitReplies } from './unit-results.js';

// Replies that mean the node did not run the command (the slot is served elsewhere, is being
// migrated, or the cluster is failing over), or that the connection to the node was lost: the
// command is sent again through the driver's cluster client, which follows redirections, waits
// out a failover and refreshes its slot map, as it does for single commands.
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

/** Whether `error` says the node did not run the command (see above). */
export function redirected(error: unknown): boolean {
  return (
    error instanceof Error &&
    (REDIRECTED.test(error.message) || error.message === CONNECTION_CLOSED)
  );
}

/**
 * Whether a node did not run the unit and it may be sent again: a command redirected, or an
 * atomic block that did not run (nothing of it was applied: EXEC returned no results).
 */
export function unitRedirected(unit: Unit, sent: UnitReplies): boolean {
  if (!unit.atomic) return redirected(sent.commands[0]?.[0]);
  const exec = sent.exec;
  if (exec !== undefined && exec[0] === null && Array.isArray(exec[1])) return false;
  return sent.commands.some((pair) => redirected(pair?.[0])) || redirected(exec?.[0]);
}

/**
 * Sends units through the driver's cluster client: the few a node did not run (MOVED/ASK
 * during a resharding, a failover under way) or whose node is not known. The driver follows
 * redirections and waits out failovers, within its limits (`maxRedirections`,
 * `retryDelayOnFailover`). Units of one slot go one after the other, in call order (a write
 * and a read of one key stay in that order); slots go at once.
 */
export async function viaDriver(
  context: ClusterContext,
  units: readonly Unit[],
  results: Results,
): Promise<void> {
  if (units.length === 0) return;
  await Promise.all(
    groupBySlot(units, (unit) => unit.slot).map(async (list) => {
      for (const unit of list) await unitViaDriver(context, unit, results);
    }),
  );
}

async function unitViaDriver(context: ClusterContext, unit: Unit, results: Results): Promise<void> {
  // A pipeline of the driver's cluster client: it resends it as a whole on MOVED, ASK,
  // TRYAGAIN, CLUSTERDOWN or a lost connection. Command names stay as they are: the drivers
  // reshape the replies of some commands (HGETALL…) named in lower case. Scripts go by their
  // source, as the node the driver ends up on may not have them.
  const pipeline = context.cluster.pipeline();
  if (unit.atomic) pipeline.multi();
  for (const c of unit.commands) {
    const sent = sentByDriver(c);
    pipeline.callBuffer(sent.name, ...sent.args);
  }
  if (unit.atomic) pipeline.exec(); // ends the block with EXEC; the next exec() sends it
  let replies: ReplyPair[] | null;
  try {
    replies = await (pipeline.exec() as Promise<ReplyPair[] | null>);
  } catch (error) {
    fillUnit(unit, results, error, context.closed());
    return;
  }
  settleUnit(unit, repliesOf(unit, replies, 0), results, context.closed());
}

/**
 * One command through the driver's cluster client, which follows redirections (a script by its
 * source, see {@link sentByDriver}).
 */
export async function resend(
  context: ClusterContext,
  name: string,
  args: readonly RedisArg[],
  script?: Script,
): Promise<Reply> {
  const results: Results = [undefined];
  await unitViaDriver(
    context,
    { first: 0, commands: [{ name, args, keys: NO_KEYS, script }], atomic: false, slot: undefined },
    results,
  );
  const [result] = results;
  if (result === undefined) throw new ClosedError();
  if (!result.ok) throw result.error;
  return result.value;
}

import { setTimeout as delay } from 'node:timers/promises';
import { ClosedError, NO_KEYS, type RedisArg, type Reply, type Script } from '@cachex/core';
import type { Unit } from './batch-plan.js';
import { deadlineError, execBefore } from './bounded-exec.js';
import { type ClusterPipeline, CONNECTION_CLOSED, type ReplyPair } from './cluster-client.js';
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
 * How long to wait before sending a unit again when the driver gave up following its
 * redirections (`maxRedirections` used up while the cluster settles on a new slot map).
 */
const SETTLE_RETRY_MS = 100;

/**
 * Sends units through the driver's cluster client: the few a node did not run (MOVED/ASK
 * during a resharding, a failover under way) or whose node is not known. The driver follows
 * redirections and waits out failovers; the units settle by `deadline` (`performance.now()`
 * time) all the same (see {@link execBefore}). Units of one slot go one after the other, in
 * call order (a write and a read of one key stay in that order); slots go at once.
 */
export async function viaDriver(
  context: ClusterContext,
  units: readonly Unit[],
  results: Results,
  deadline: number,
): Promise<void> {
  if (units.length === 0) return;
  await Promise.all(
    groupBySlot(units, (unit) => unit.slot).map(async (list) => {
      for (const unit of list) await unitViaDriver(context, unit, results, deadline);
    }),
  );
}

async function unitViaDriver(
  context: ClusterContext,
  unit: Unit,
  results: Results,
  deadline: number,
): Promise<void> {
  const timedOut = (lastReply?: unknown) =>
    deadlineError(unit.commands[0]?.name ?? 'MULTI', context.budgetMs, unit.slot, lastReply);
  for (;;) {
    let replies: ReplyPair[] | null;
    try {
      replies = await execBefore(driverPipeline(context, unit), deadline, timedOut);
    } catch (error) {
      fillUnit(unit, results, error, context.closed());
      return;
    }
    const sent = repliesOf(unit, replies, 0);
    if (!unitRedirected(unit, sent)) {
      settleUnit(unit, sent, results, context.closed());
      return;
    }
    // Still redirected: the driver used up its redirections while the cluster settles (a
    // replica being promoted, a slot map not yet agreed on). A redirection is the cluster's
    // inner working, never a reply for the caller: send again shortly, until the deadline.
    const wait = Math.min(SETTLE_RETRY_MS, deadline - performance.now());
    if (wait <= 0 || context.closed()) {
      const last = sent.commands.find((pair) => redirected(pair?.[0]))?.[0] ?? sent.exec?.[0];
      fillUnit(
        unit,
        results,
        context.closed() ? new ClosedError() : timedOut(last),
        context.closed(),
      );
      return;
    }
    await delay(wait);
  }
}

/**
 * A unit as a pipeline of the driver's cluster client: it resends it as a whole on MOVED, ASK,
 * TRYAGAIN, CLUSTERDOWN or a lost connection. Command names stay as they are: the drivers
 * reshape the replies of some commands (HGETALL…) named in lower case. Scripts go by their
 * source, as the node the driver ends up on may not have them.
 */
function driverPipeline(context: ClusterContext, unit: Unit): ClusterPipeline {
  const pipeline = context.cluster.pipeline();
  if (unit.atomic) pipeline.multi();
  for (const c of unit.commands) {
    const sent = sentByDriver(c);
    pipeline.callBuffer(sent.name, ...sent.args);
  }
  if (unit.atomic) pipeline.exec(); // ends the block with EXEC; the next exec() sends it
  return pipeline;
}

/**
 * One command through the driver's cluster client, which follows redirections (a script by its
 * source, see {@link sentByDriver}), settled by `deadline`.
 */
export async function resend(
  context: ClusterContext,
  name: string,
  args: readonly RedisArg[],
  script: Script | undefined,
  slot: number | undefined,
  deadline: number,
): Promise<Reply> {
  const results: Results = [undefined];
  await unitViaDriver(
    context,
    { first: 0, commands: [{ name, args, keys: NO_KEYS, script }], atomic: false, slot },
    results,
    deadline,
  );
  const [result] = results;
  if (result === undefined) throw new ClosedError();
  if (!result.ok) throw result.error;
  return result.value;
}

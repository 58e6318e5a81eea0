import { type BatchOptions, type BatchResult, ClosedError, type CommandGroup } from '@cachex/core';
import {
  holdWritesThisTick,
  isSmallPlainBatch,
  sendSmallBatch,
} from '@cachex/transport-standalone/driver';
import { planUnits, type Unit } from './batch-plan.js';
import type { ReplyPair } from './cluster-client.js';
import type { ClusterContext } from './cluster-context.js';
import { redirected, unitRedirected, viaDriver } from './redirections.js';
import { queueScriptLoads } from './scripts.js';
import { fillUnit, type Results, repliesOf, settleUnit } from './unit-results.js';

/** One node's share of a batch: the units whose slots it serves, in call order. */
interface NodeShare {
  /** The slot's owners: the primary first, then its replicas (`host:port`). */
  owners: readonly string[];
  units: Unit[];
}

/**
 * Runs a batch: split into units (what spans slots is refused before anything is sent), then
 * one pipeline per node, every node at once, the results in call order.
 */
export async function runBatch(
  context: ClusterContext,
  groups: readonly CommandGroup[],
  options: BatchOptions | undefined,
): Promise<BatchResult[]> {
  if (context.closed()) throw new ClosedError();
  const commands = groups.flatMap((g) => g.commands);
  if (commands.length === 0) return [];
  const results: Results = new Array(commands.length);
  const units = planUnits(groups, options?.transaction === true, results);
  if (units.length > 0) {
    const deadline = performance.now() + context.budgetMs;
    try {
      await context.gate.ready(context.cluster);
      await sendUnits(context, units, results, deadline);
    } catch (error) {
      // The cluster could not be reached: every unit fails, each with its own error.
      for (const unit of units) fillUnit(unit, results, error, context.closed());
    }
  }
  return results as BatchResult[];
}

/** Sends the units: one pipeline per node, every node at once. */
async function sendUnits(
  context: ClusterContext,
  units: readonly Unit[],
  results: Results,
  deadline: number,
): Promise<void> {
  const nodes = context.router.nodes();
  const shares = new Map<string, NodeShare>();
  const keyless: Unit[] = [];
  const unmapped: Unit[] = [];
  for (const unit of units) {
    if (unit.slot === undefined) {
      keyless.push(unit);
      continue;
    }
    const owners = context.router.owners(unit.slot);
    const primary = owners?.[0];
    if (owners === undefined || primary === undefined || !nodes.has(primary)) {
      unmapped.push(unit);
      continue;
    }
    const share = shares.get(primary);
    if (share === undefined) shares.set(primary, { owners, units: [unit] });
    else share.units.push(unit);
  }
  // Commands without keys may run anywhere: with the first node's share, in call order.
  const [firstShare] = shares.values();
  if (firstShare === undefined) {
    unmapped.push(...keyless);
  } else if (keyless.length > 0) {
    firstShare.units.push(...keyless);
    firstShare.units.sort((a, b) => a.first - b.first);
  }
  await Promise.all([
    ...[...shares.values()].map((share) => runOnNode(context, share, results, deadline)),
    viaDriver(context, unmapped, results, deadline),
  ]);
}

/**
 * One node's share as one pipeline on its connection (a replica when every command reads, per
 * `readFrom`), the scripts its commands run loaded first; what the node did not run goes again
 * through the driver.
 */
async function runOnNode(
  context: ClusterContext,
  share: NodeShare,
  results: Results,
  deadline: number,
): Promise<void> {
  const { owners, units } = share;
  const read = units.every((unit) => unit.commands.every((c) => c.read === true));
  const client = context.router.pick(owners, read);
  if (client === undefined) return viaDriver(context, units, results, deadline);

  let replies: ReplyPair[] | null = null;
  let failure: unknown;
  let loads = 0;
  // (Any atomic unit, even of one command, keeps its MULTI/EXEC: its replies are read so.)
  if (units.every((unit) => !unit.atomic) && isSmallPlainBatch(units)) {
    // A few plain commands: separate commands in one write, cheaper than a pipeline object.
    replies = await sendSmallBatch(
      client,
      units.flatMap((unit) => unit.commands),
    );
  } else {
    const pipeline = client.pipeline();
    // The scripts first (SCRIPT LOAD), so that none runs into NOSCRIPT mid-pipeline.
    loads = queueScriptLoads(
      pipeline,
      units.flatMap((unit) => unit.commands),
    );
    for (const unit of units) {
      // An atomic block keeps its MULTI/EXEC inside the pipeline: MULTI → OK, each command →
      // QUEUED (or its queueing error), EXEC → the array of results (or EXECABORT).
      if (unit.atomic) pipeline.callBuffer('MULTI');
      for (const c of unit.commands) pipeline.callBuffer(c.name, ...c.args);
      if (unit.atomic) pipeline.callBuffer('EXEC');
    }
    holdWritesThisTick(client);
    try {
      replies = await pipeline.exec();
    } catch (error) {
      failure = error ?? new Error('The pipeline failed');
    }
  }
  const again: Unit[] = [];
  let at = loads;
  for (const unit of units) {
    if (failure !== undefined) {
      if (redirected(failure)) again.push(unit);
      else fillUnit(unit, results, failure, context.closed());
      continue;
    }
    const sent = repliesOf(unit, replies, at);
    at += sent.count;
    if (unitRedirected(unit, sent)) again.push(unit);
    else settleUnit(unit, sent, results, context.closed());
  }
  await viaDriver(context, again, results, deadline);
}

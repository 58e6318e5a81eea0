import type { BatchResult, CommandGroup } from '@cachex/core';
import { execResults, failed, settled } from './batch-results.js';
import { holdWritesThisTick } from './coalesce-writes.js';
import type { DriverClient } from './load-driver.js';
import { scriptsOf } from './scripts.js';
import { isSmallPlainBatch, sendSmallBatch } from './small-batch.js';

/**
 * Sends groups of commands to one node in one pipeline and returns one result per command, in
 * order (a small batch of plain commands goes as separate commands in one write instead: see
 * `SMALL_BATCH`). An atomic group becomes MULTI … EXEC inside the pipeline. The scripts the commands run
 * are loaded first (`SCRIPT LOAD`, once per script per pipeline, in the same round trip): a
 * NOSCRIPT retried after the pipeline would run the script after commands queued behind it, and
 * one inside MULTI/EXEC cannot be retried alone at all. `closed` says whether the transport was
 * closed meanwhile (connection errors then read as `ClosedError`s).
 */
export async function runPipeline(
  client: DriverClient,
  groups: readonly CommandGroup[],
  closed: () => boolean,
): Promise<BatchResult[]> {
  if (isSmallPlainBatch(groups)) {
    const commands = groups.flatMap((g) => g.commands);
    const replies = await sendSmallBatch(client, commands);
    return commands.map((c, i) => settled(replies[i], c.name, closed()));
  }
  const pipeline = client.pipeline();
  const scripts = scriptsOf(groups.flatMap((g) => g.commands));
  for (const script of scripts) pipeline.callBuffer('SCRIPT', 'LOAD', script.lua);
  // Where each group's first reply is (after MULTI for a block).
  const firsts: number[] = [];
  let at = scripts.length;
  for (const group of groups) {
    const atomic = group.atomic === true && group.commands.length > 1;
    if (atomic) pipeline.callBuffer('MULTI');
    firsts.push(atomic ? at + 1 : at);
    for (const c of group.commands) pipeline.callBuffer(c.name, ...c.args);
    at += group.commands.length + (atomic ? 2 : 0);
    if (atomic) pipeline.callBuffer('EXEC');
  }
  let replies: [Error | null, unknown][] | null;
  holdWritesThisTick(client);
  try {
    replies = await pipeline.exec();
  } catch (error) {
    return groups.flatMap((g) => g.commands.map((c) => failed(error, c.name, closed())));
  }
  const results: BatchResult[] = [];
  groups.forEach((group, gi) => {
    const first = firsts[gi]!;
    if (group.atomic === true && group.commands.length > 1) {
      const queued = replies?.slice(first, first + group.commands.length) ?? [];
      const exec = replies?.[first + group.commands.length];
      results.push(...execResults(group.commands, queued, exec, closed()));
    } else {
      group.commands.forEach((c, i) => {
        results.push(settled(replies?.[first + i], c.name, closed()));
      });
    }
  });
  return results;
}

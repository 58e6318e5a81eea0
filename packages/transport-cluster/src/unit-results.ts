import { type BatchResult, isCachexError } from '@cachex/core';
import { withErrorContext } from '@cachex/core/internal';
import {
  execResults,
  failed,
  settled,
  translateDriverError,
} from '@cachex/transport-standalone/driver';
import type { Unit } from './batch-plan.js';
import type { ReplyPair } from './cluster-client.js';

/** A batch's results by command index, filled in as its units settle (or are refused). */
export type Results = (BatchResult | undefined)[];

/** What a pipeline replied to one unit. */
export interface UnitReplies {
  /**
   * One reply per command: a single command's own; in an atomic block, QUEUED (or the
   * command's queueing error).
   */
  readonly commands: readonly (ReplyPair | undefined)[];
  /** An atomic block's EXEC: the array of the commands' results, or EXECABORT. */
  readonly exec: ReplyPair | undefined;
  /** How many replies of the pipeline the unit took (a block's MULTI and EXEC included). */
  readonly count: number;
}

/**
 * The replies to the unit sent at `at` in a pipeline. An atomic block was sent as MULTI, its
 * commands, EXEC: MULTI's OK is passed over.
 */
export function repliesOf(
  unit: Unit,
  replies: readonly ReplyPair[] | null,
  at: number,
): UnitReplies {
  if (!unit.atomic) return { commands: [replies?.[at]], exec: undefined, count: 1 };
  const count = unit.commands.length;
  return {
    commands: replies?.slice(at + 1, at + 1 + count) ?? [],
    exec: replies?.[at + 1 + count],
    count: count + 2,
  };
}

/** `values` as the results of the commands from index `first` on. */
export function place(results: Results, first: number, values: readonly BatchResult[]): void {
  values.forEach((value, i) => {
    results[first + i] = value;
  });
}

/** The unit's results, from its replies. */
export function settleUnit(unit: Unit, sent: UnitReplies, results: Results, closed: boolean): void {
  if (unit.atomic) {
    place(results, unit.first, execResults(unit.commands, sent.commands, sent.exec, closed));
  } else {
    results[unit.first] = settled(sent.commands[0], unit.commands[0]!.name, closed);
  }
}

/**
 * Every command of `unit` not settled yet failed with `error`: a new error object for each of
 * them (errors are never shared between results), naming its command.
 */
export function fillUnit(unit: Unit, results: Results, error: unknown, closed: boolean): void {
  unit.commands.forEach((command, i) => {
    const at = unit.first + i;
    if (results[at] !== undefined) return;
    if (isCachexError(error)) {
      const own = translateDriverError(error, closed, command.name);
      results[at] = { ok: false, error: withErrorContext(own, { command: command.name }) };
    } else {
      results[at] = failed(error, command.name, closed);
    }
  });
}

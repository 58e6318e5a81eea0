import type { Command, CommandGroup } from '@cachex/core';
import { crossSlotError, spanOf } from './slots.js';
import { place, type Results } from './unit-results.js';

/**
 * What a batch is split into: a command on its own, or an atomic block (an atomic group, or the
 * whole batch with `transaction`), each within one hash slot.
 */
export interface Unit {
  /** Index of its first command among the batch's flat results. */
  readonly first: number;
  readonly commands: readonly Command[];
  /** Runs as one MULTI/EXEC block. */
  readonly atomic: boolean;
  /** The slot of its keys; undefined when it has none (it may run on any node). */
  readonly slot: number | undefined;
}

const GROUP_HINT = 'run these commands outside an atomic block';
const TRANSACTION_HINT = 'run the pipeline without transaction: true';

/**
 * Splits a batch into units and refuses, before anything is sent, what a cluster cannot run:
 * a command whose keys span slots, an atomic group or a transaction whose keys span slots. Every
 * command refused gets a `CrossSlotError` of its own in `results`; nothing of its group (or of
 * the transaction) becomes a unit.
 */
export function planUnits(
  groups: readonly CommandGroup[],
  transaction: boolean,
  results: Results,
): Unit[] {
  if (transaction) {
    const commands = groups.flatMap((g) => g.commands);
    const span = spanOf(commands);
    if (span.cross) {
      place(
        results,
        0,
        commands.map((c) => ({
          ok: false,
          error: crossSlotError(
            `A transaction of ${commands.length} commands`,
            span,
            c.name,
            TRANSACTION_HINT,
          ),
        })),
      );
      return [];
    }
    return [{ first: 0, commands, atomic: true, slot: span.slot }];
  }
  const units: Unit[] = [];
  let at = 0;
  for (const group of groups) {
    const first = at;
    at += group.commands.length;
    if (group.atomic === true && group.commands.length > 1) {
      const span = spanOf(group.commands);
      if (span.cross) {
        const names = group.commands.map((c) => c.name).join(', ');
        place(
          results,
          first,
          group.commands.map((c) => ({
            ok: false,
            error: crossSlotError(
              `An atomic block (MULTI/EXEC: ${names})`,
              span,
              c.name,
              GROUP_HINT,
            ),
          })),
        );
      } else {
        units.push({ first, commands: group.commands, atomic: true, slot: span.slot });
      }
      continue;
    }
    group.commands.forEach((command, i) => {
      const span = spanOf([command]);
      if (span.cross) {
        results[first + i] = { ok: false, error: crossSlotError(command.name, span, command.name) };
      } else {
        units.push({ first: first + i, commands: [command], atomic: false, slot: span.slot });
      }
    });
  }
  return units;
}

import type { Command } from '@cachex/core';
import { holdWritesThisTick } from './coalesce-writes.js';
import type { DriverClient } from './load-driver.js';

/**
 * Batches of at most this many plain commands (no MULTI block, no script to load first) go as
 * separate commands written in one tick instead of a driver pipeline. Measured on ioredis with
 * 256 calls in flight: GET+PTTL as a pipeline object ran at 25–27k batches/s, as two commands
 * corked into one write at 36–39k/s (GET alone 47–63k/s): for two or three commands the
 * pipeline object costs more than it saves. Larger batches keep the pipeline.
 */
export const SMALL_BATCH = 8;

/** `[error, reply]`, as a driver pipeline's `exec()` gives them. */
export type ReplyPair = [Error | null, unknown];

/**
 * Whether a batch may be sent as separate commands: small, no atomic block of several
 * commands, no script (scripts are loaded ahead inside a pipeline, see `runPipeline`).
 */
export function isSmallPlainBatch(
  groups: readonly { readonly commands: readonly Command[]; readonly atomic?: boolean }[],
): boolean {
  let count = 0;
  for (const group of groups) {
    if (group.atomic === true && group.commands.length > 1) return false;
    for (const c of group.commands) {
      if (c.script !== undefined || ++count > SMALL_BATCH) return false;
    }
  }
  return true;
}

/**
 * Sends `commands` on one connection in one write (the socket is corked for the tick) and
 * resolves their `[error, reply]` pairs in order, like a pipeline's `exec()`. One connection
 * keeps the order; each command settles on its own.
 */
export function sendSmallBatch(
  client: DriverClient,
  commands: readonly Command[],
): Promise<ReplyPair[]> {
  holdWritesThisTick(client);
  return Promise.all(
    commands.map((c) =>
      client.callBuffer(c.name, ...c.args).then(
        (value): ReplyPair => [null, value],
        (error: unknown): ReplyPair => [
          error instanceof Error ? error : new Error(String(error)),
          undefined,
        ],
      ),
    ),
  );
}

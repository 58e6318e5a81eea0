import type { Command, RedisArg } from '@cachex/core';
import { scriptsOf } from '@cachex/transport-standalone/driver';

// How the cluster transport runs Lua scripts (commands carrying their `script`). On a node
// connection of its own: by SHA, the script loaded where it is missing (a single command, with
// `callWithScript`: NOSCRIPT → SCRIPT LOAD on that node → once more; a node's pipeline: every
// script loaded first, see `queueScriptLoads`). Through the driver's cluster client: by source
// (see `sentByDriver`).

/** What a pipeline needs here: queuing one command. */
interface Queue {
  callBuffer(command: string, ...args: RedisArg[]): unknown;
}

/**
 * Queues `SCRIPT LOAD` of each distinct script the commands run, before them in the same
 * pipeline (one round trip): a NOSCRIPT retried after the pipeline would run the script after
 * the commands queued behind it, and one inside MULTI/EXEC cannot be retried alone. Returns
 * how many replies the loads take, at the head of the pipeline's replies.
 */
export function queueScriptLoads(pipeline: Queue, commands: readonly Command[]): number {
  const scripts = scriptsOf(commands);
  for (const script of scripts) pipeline.callBuffer('SCRIPT', 'LOAD', script.lua);
  return scripts.length;
}

/**
 * A command as sent through the driver's cluster client: a script by its source (`EVAL`,
 * `EVAL_RO`, the same keys and arguments) rather than its SHA, so that it runs on whichever
 * node the driver picks. The driver picks the node as it follows MOVED/ASK or waits out a
 * failover, so the script cannot be loaded there first; and a `SCRIPT LOAD` in the driver's
 * pipeline would keep it from following redirections (it sends a pipeline again only when
 * every reply is the same redirection). The node caches the script as it runs it.
 */
export function sentByDriver(
  command: Pick<Command, 'name' | 'args' | 'script'>,
): Pick<Command, 'name' | 'args'> {
  const { name, args, script } = command;
  if (script === undefined) return { name, args };
  return {
    name: name.toUpperCase() === 'EVALSHA_RO' ? 'EVAL_RO' : 'EVAL',
    args: [script.lua, ...args.slice(1)],
  };
}

import type { Command, Script } from '@cachex/core';
import type { DriverClient } from './load-driver.js';

/** True for the server's NOSCRIPT reply: the node does not have the script (any more). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Sends one command; when it runs a script (`script`) and the node answers NOSCRIPT (its script
 * cache was flushed, or it became primary in a failover), loads the script on that same node
 * and retries once. A second NOSCRIPT is the caller's error.
 */
export async function callWithScript(
  client: DriverClient,
  name: string,
  args: readonly (string | Buffer | number)[],
  script: Script | undefined,
): Promise<unknown> {
  try {
    return await client.callBuffer(name, ...args);
  } catch (error) {
    if (script === undefined || !isNoScript(error)) throw error;
    await client.callBuffer('SCRIPT', 'LOAD', script.lua);
    return client.callBuffer(name, ...args);
  }
}

/** The distinct scripts some commands run (to load them before a pipeline). */
export function scriptsOf(commands: readonly Command[]): Script[] {
  const found = new Map<string, Script>();
  for (const c of commands) if (c.script !== undefined) found.set(c.script.sha, c.script);
  return [...found.values()];
}

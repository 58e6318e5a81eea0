import {
  type BatchOptions,
  type BatchResult,
  type Command,
  type CommandGroup,
  keysOf,
  type RedisArg,
  type Reply,
  type RouteOptions,
  type Transport,
} from '@cachex/core';

/** The bytes of an argument as sent, in a form that compares byte for byte. */
function text(arg: RedisArg): string {
  return (Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8')).toString('latin1');
}

/**
 * Wraps a transport so that every command the Cache sends is checked against the server's own
 * idea of its keys (`COMMAND GETKEYS`) before it goes out: a wrong key spec would route a
 * command to the wrong cluster node, so a mismatch fails the test at once, naming the command.
 * Raw commands (without a key spec) pass unchecked.
 */
export function withKeySpecCheck(inner: Transport): Transport {
  const check = async (name: string, args: readonly RedisArg[], options?: RouteOptions) => {
    if (options?.keys === undefined) return;
    const ours = keysOf(options.keys, args).map(text);
    let theirs: string[];
    try {
      const reply = (await inner.command('COMMAND', ['GETKEYS', name, ...args])) as Buffer[];
      theirs = reply.map((k) => k.toString('latin1'));
    } catch (error) {
      // The server finds no keys in the command: it has none.
      if (/no key|Invalid arguments|wrong number/i.test((error as Error).message)) theirs = [];
      else throw error;
    }
    if (ours.join('\u0000') !== theirs.join('\u0000')) {
      throw new Error(
        `key spec of ${name} is wrong: it names [${ours.join(', ')}], the server says [${theirs.join(', ')}]`,
      );
    }
  };
  return {
    name: `${inner.name}+key-spec-check`,
    capabilities: inner.capabilities,
    async command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
      await check(name, args, options);
      return inner.command(name, args, options);
    },
    async batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
      for (const group of groups) {
        for (const c of group.commands as readonly Command[]) await check(c.name, c.args, c);
      }
      return inner.batch(groups, options);
    },
    partitionKeys: (keys) => inner.partitionKeys(keys),
    scan: (options) => inner.scan(options),
    broadcast: (name, args) => inner.broadcast(name, args),
    getClient: (options) => inner.getClient(options),
    close: () => inner.close(),
  };
}

import {
  type Cache,
  CrossSlotError,
  InvalidArgumentError,
  isCachexError,
  type Transport,
} from '@cachex/core';
import {
  closeAfterEach,
  clusterKeySlot,
  commandsWith,
  type HostPort,
  monitorNodes,
  randomPrefix,
  until,
} from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import {
  decodeListPost,
  decodeSinglePost,
  evalScript,
  fullEncodePre,
  keysOnlyPre,
  registerScript,
  ScriptNotRegisteredError,
  scriptStep,
} from '../src/index.js';
import { LOCAL, LUA } from './fixtures.js';

// The acceptance suite of @cachex/scripts, run against one topology: a standalone server, the
// cluster, or the memory transport (where every script here carries its `local` twin).

/** Where the suite runs. */
export interface SuiteTarget {
  name: string;
  /** A fresh transport (closed after each test). */
  transport(): Transport;
  /** The nodes to watch with MONITOR (every node of the topology); none for memory. */
  nodes?: () => readonly HostPort[];
  /** Keys of different hash slots are refused (a cluster). */
  cluster?: boolean;
}

/** A source of its own for one test (a comment naming the prefix): loaded nowhere yet. */
function unique(lua: string, prefix: string): string {
  return `-- ${prefix}\n${lua}`;
}

/** Registers the counter script (`INCRBY KEYS[1] ARGV[1]`) as `bump`. */
function registerBump(cache: Cache, lua = LUA.bump): void {
  registerScript(cache, 'bump', lua, { numKeys: 1, pre: keysOnlyPre, local: LOCAL.bump });
}

const SCRIPTING = new Set(['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'script']);

/** Records, with MONITOR, the commands the nodes receive that name `prefix`. */
async function watch(nodes: readonly HostPort[], prefix: string) {
  const monitor = await monitorNodes(nodes);
  const seen = () => [...monitor.seen.values()].flatMap((cmds) => commandsWith(cmds, prefix));
  return {
    /** Commands naming the prefix, as `name arg…`, lower-case names. */
    seen,
    /**
     * The script commands among them (EVAL*, SCRIPT): MONITOR also reports the commands a
     * script runs, which are left out.
     */
    scripting: () => seen().filter((c) => SCRIPTING.has(c[0]!)),
    /** Waits until `count` commands named `name` were seen. */
    until: (name: string, count: number) =>
      until(() => seen().filter((c) => c[0] === name).length >= count),
    /**
     * Sends a command naming the prefix (an EXISTS of key `mark`, in the prefix's slot) and
     * waits until MONITOR reports it: what was sent before it is then reported too. Removes it
     * from the record.
     */
    mark: async (cache: Cache) => {
      await cache.has('mark');
      await until(() => seen().some((c) => c[0] === 'exists'));
      for (const cmds of monitor.seen.values()) {
        const at = cmds.findIndex((c) => c[0] === 'exists' && c[1]?.includes(prefix));
        if (at >= 0) cmds.splice(at, 1);
      }
    },
    clear: () => {
      for (const cmds of monitor.seen.values()) cmds.length = 0;
    },
    stop: () => monitor.stop(),
  };
}

/** Two user keys whose stored keys (in `cache`) are in different hash slots. */
function keysInTwoSlots(cache: Cache): [string, string] {
  const first = 'k0';
  const slot = clusterKeySlot(cache.makeKey(first));
  for (let i = 1; ; i++) {
    const other = `k${i}`;
    if (clusterKeySlot(cache.makeKey(other)) !== slot) return [first, other];
  }
}

export function describeScriptSuite(target: SuiteTarget): void {
  describe(`scripts on ${target.name}`, () => {
    const closers = closeAfterEach();
    const open = (prefix?: string): Cache => closers.cache(target.transport(), prefix).cache;
    const server = target.nodes;

    it('runs `return 42`', async () => {
      const cache = open();
      registerScript(cache, 'answer', LUA.answer, { numKeys: 0, local: LOCAL.answer });
      expect(await evalScript<number>(cache, 'answer')).toBe(42);
    });

    it('counts with keysOnlyPre: 10, then 15, under the prefixed key', async () => {
      const cache = open();
      registerBump(cache);
      expect(await evalScript<number>(cache, 'bump', { keys: ['n'], args: [10] })).toBe(10);
      expect(await evalScript<number>(cache, 'bump', { keys: ['n'], args: ['5'] })).toBe(15);
      expect(await cache.get('n')).toBe(15);
      expect(await cache.keys()).toEqual(['n']);
    });

    it('prefixes the keys when no pre hook is given', async () => {
      const cache = open();
      registerScript(cache, 'bump', LUA.bump, { local: LOCAL.bump });
      expect(await evalScript(cache, 'bump', { keys: ['n'], args: [3] })).toBe(3);
      expect(await cache.get('n')).toBe(3);
    });

    it('round-trips an object with fullEncodePre + decodeSinglePost, as cache.set stores it', async () => {
      const cache = open();
      registerScript(cache, 'swap', LUA.swap, {
        numKeys: 1,
        pre: fullEncodePre,
        post: decodeSinglePost,
        local: LOCAL.swap,
      });
      registerScript(cache, 'get', LUA.get, {
        numKeys: 1,
        post: decodeSinglePost,
        local: LOCAL.get,
      });
      const user = { name: 'Ada', tags: ['math', 'engines'], born: 1815, nested: { ok: true } };
      expect(await evalScript(cache, 'swap', { keys: ['user'], args: [user] })).toEqual(user);
      // Written by the script, read by the cache: the same bytes as cache.set.
      expect(await cache.get('user')).toEqual(user);
      // Written by the cache, read by a script.
      await cache.set('other', { id: 7, list: [1, 'two'] });
      expect(await evalScript(cache, 'get', { keys: ['other'] })).toEqual({
        id: 7,
        list: [1, 'two'],
      });
      expect(await evalScript(cache, 'get', { keys: ['missing'] })).toBeNull();
      // Integers stay INCR-able: the codec writes them as decimal text.
      expect(await evalScript(cache, 'swap', { keys: ['count'], args: [41] })).toBe(41);
      expect(await cache.incr('count')).toBe(42);
    });

    it('decodes lists with decodeListPost: nil elements stay null', async () => {
      const cache = open();
      registerScript(cache, 'mget', LUA.mget, { post: decodeListPost, local: LOCAL.mget });
      await cache.setMany({ a: { v: 1 }, b: 'two' });
      expect(await evalScript(cache, 'mget', { keys: ['a', 'missing', 'b'] })).toEqual([
        { v: 1 },
        null,
        'two',
      ]);
    });

    it('selects the key namespace with version', async () => {
      const cache = open();
      registerBump(cache);
      expect(await evalScript(cache, 'bump', { keys: ['n'], args: [2], version: 2 })).toBe(2);
      expect(await evalScript(cache, 'bump', { keys: ['n'], args: [1] })).toBe(1);
      expect(await cache.get('n', { version: 2 })).toBe(2);
      expect(await cache.get('n')).toBe(1);
      expect(await cache.keys('*')).toEqual(['n']);
      expect(await cache.clearAllVersions()).toBe(2);
      // A pipeline's version is the default of the scripts queued on it.
      const results = await cache
        .pipeline({ version: 3 })
        .queue(scriptStep<number>(cache, 'bump', { keys: ['n'], args: [7] }))
        .queue(scriptStep<number>(cache, 'bump', { keys: ['n'], args: [1], version: 1 }))
        .exec();
      expect(results).toEqual([7, 1]);
      expect(await cache.get('n', { version: 3 })).toBe(7);
      await expect(
        evalScript(cache, 'bump', { keys: ['n'], args: [1], version: 1.5 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    for (const transaction of [false, true]) {
      it(`runs inside a pipeline${transaction ? ' transaction' : ''}, with the post hooks`, async () => {
        const cache = open();
        registerBump(cache);
        registerScript(cache, 'swap', LUA.swap, {
          numKeys: 1,
          pre: fullEncodePre,
          post: decodeSinglePost,
          local: LOCAL.swap,
        });
        registerScript(cache, 'answer', LUA.answer, {
          post: (_helpers, reply) => `answer: ${String(reply)}`,
          local: LOCAL.answer,
        });
        const user = { name: 'Grace', langs: ['COBOL'] };
        const [a, b, c, d, e] = await cache
          .pipeline({ transaction })
          .set('n', 40)
          .queue(scriptStep<number>(cache, 'bump', { keys: ['n'], args: [2] }))
          .queue(scriptStep<typeof user>(cache, 'swap', { keys: ['user'], args: [user] }))
          .get('n')
          .queue(scriptStep<string>(cache, 'answer'))
          .exec();
        expect([a, b, c, d, e]).toEqual([true, 42, user, 42, 'answer: 42']);
      });
    }

    it('fills the slot of a failing script in a pipeline; the other calls run', async () => {
      const cache = open();
      registerBump(cache);
      const results = await cache
        .pipeline()
        .queue(scriptStep(cache, 'nope', { keys: ['n'] }))
        .queue(scriptStep(cache, 'bump', { keys: ['n', 'm'], args: [1] }))
        .queue(scriptStep(cache, 'bump', { keys: ['n'], args: [1] }))
        .exec();
      expect(results[0]).toBeInstanceOf(ScriptNotRegisteredError);
      expect(results[1]).toBeInstanceOf(InvalidArgumentError);
      expect(results[2]).toBe(1);
      // In a transaction a call failing on the client rejects exec(), and nothing is sent.
      await expect(
        cache
          .pipeline({ transaction: true })
          .queue(scriptStep(cache, 'bump', { keys: ['n'], args: [1] }))
          .queue(scriptStep(cache, 'nope'))
          .exec(),
      ).rejects.toBeInstanceOf(ScriptNotRegisteredError);
      expect(await cache.get('n')).toBe(1);
    });

    it('survives SCRIPT FLUSH in the middle, alone, in a pipeline and in a transaction', async () => {
      const prefix = randomPrefix();
      const cache = open(prefix);
      registerBump(cache, unique(LUA.bump, prefix));
      const flush = () => cache.context.transport.broadcast('SCRIPT', ['FLUSH']);
      expect(await evalScript(cache, 'bump', { keys: ['n'], args: [1] })).toBe(1);
      await flush();
      expect(await evalScript(cache, 'bump', { keys: ['n'], args: [1] })).toBe(2);
      await flush();
      expect(
        await cache
          .pipeline()
          .queue(scriptStep(cache, 'bump', { keys: ['n'], args: [1] }))
          .get('n')
          .exec(),
      ).toEqual([3, 3]);
      await flush();
      expect(
        await cache
          .pipeline({ transaction: true })
          .queue(scriptStep(cache, 'bump', { keys: ['n'], args: [1] }))
          .get('n')
          .exec(),
      ).toEqual([4, 4]);
      await flush();
      expect(await evalScript(cache, 'bump', { keys: ['n'], args: [1] })).toBe(5);
    });

    it('refuses an unknown name, naming the registered scripts; nothing is sent', async () => {
      const prefix = randomPrefix();
      const cache = open(prefix);
      const monitor = server ? await watch(server(), prefix) : undefined;
      try {
        registerBump(cache);
        registerScript(cache, 'answer', LUA.answer, { local: LOCAL.answer });
        const error = await evalScript(cache, 'bmup', { keys: ['n'], args: [1] }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ScriptNotRegisteredError);
        expect(isCachexError(error) && error.code).toBe('E_SCRIPT_NOT_REGISTERED');
        expect((error as ScriptNotRegisteredError).context).toMatchObject({
          script: 'bmup',
          registered: ['answer', 'bump'],
        });
        expect((error as Error).message).toContain('"answer", "bump"');
        await monitor?.mark(cache);
        expect(monitor?.seen() ?? []).toEqual([]);
      } finally {
        await monitor?.stop();
      }
    });

    it('refuses a key count other than numKeys; nothing is sent', async () => {
      const prefix = randomPrefix();
      const cache = open(prefix);
      const monitor = server ? await watch(server(), prefix) : undefined;
      try {
        registerBump(cache, unique(LUA.bump, prefix));
        for (const keys of [[], ['a', 'b']]) {
          const error = await evalScript(cache, 'bump', { keys, args: [1] }).catch(
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as Error).message).toContain(`takes 1 key (numKeys), got ${keys.length}`);
        }
        await monitor?.mark(cache);
        expect(monitor?.seen() ?? []).toEqual([]);
      } finally {
        await monitor?.stop();
      }
    });

    it(
      target.cluster
        ? 'refuses keys of different slots with a CrossSlotError; nothing is sent'
        : 'runs keys that would be in different cluster slots',
      async () => {
        const prefix = randomPrefix({ spread: true });
        const cache = open(prefix);
        const keys = keysInTwoSlots(cache);
        registerScript(cache, 'mget', unique(LUA.mget, prefix), { local: LOCAL.mget });
        if (!target.cluster) {
          expect(await evalScript(cache, 'mget', { keys })).toEqual([null, null]);
          return;
        }
        const monitor = await watch(server!(), prefix);
        try {
          const error = await evalScript(cache, 'mget', { keys }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(CrossSlotError);
          expect((error as Error).message).toContain('nothing was sent');
          const [inPipeline] = await cache
            .pipeline()
            .queue(scriptStep(cache, 'mget', { keys }))
            .exec();
          expect(inPipeline).toBeInstanceOf(CrossSlotError);
          // The same keys one at a time run (each on its own node).
          expect(await evalScript(cache, 'mget', { keys: [keys[0]] })).toEqual([null]);
          expect(await evalScript(cache, 'mget', { keys: [keys[1]] })).toEqual([null]);
          await monitor.until('evalsha', 2);
          expect(monitor.seen().filter((c) => c[0] === 'evalsha' && c[2] === '2')).toEqual([]);
        } finally {
          await monitor.stop();
        }
      },
    );

    if (server) {
      it('runs by EVALSHA only: loaded once, never EVAL', async () => {
        const prefix = randomPrefix();
        const cache = open(prefix);
        const lua = unique(LUA.bump, prefix);
        const { sha } = registerScript(cache, 'bump', lua, { numKeys: 1 });
        const monitor = await watch(server(), prefix);
        try {
          expect(await evalScript(cache, 'bump', { keys: ['n'], args: [1] })).toBe(1);
          // The first call finds the script missing (NOSCRIPT), loads it, and runs it again.
          // EVALSHA (NOSCRIPT), SCRIPT LOAD, EVALSHA. Never EVAL.
          await monitor.mark(cache);
          const first = monitor.scripting().map((c) => `${c[0]} ${c[1]?.toLowerCase()}`);
          expect(first.at(-1)).toBe(`evalsha ${sha}`);
          expect(first.every((c) => c === `evalsha ${sha}` || c === 'script load')).toBe(true);
          expect(first.filter((c) => c === 'script load').length).toBeLessThanOrEqual(1);
          monitor.clear();
          for (let i = 2; i <= 4; i++) {
            expect(await evalScript(cache, 'bump', { keys: ['n'], args: [1] })).toBe(i);
          }
          await cache
            .pipeline()
            .queue(scriptStep(cache, 'bump', { keys: ['n'], args: [1] }))
            .exec();
          await monitor.mark(cache);
          const later = monitor.scripting().map((c) => c[0]);
          expect(later.filter((name) => name === 'eval')).toEqual([]);
          expect(later.filter((name) => name === 'evalsha')).toHaveLength(4);
          expect(later.every((name) => name === 'evalsha' || name === 'script')).toBe(true);
          expect(await cache.get('n')).toBe(5);
        } finally {
          await monitor.stop();
        }
      });

      it('runs a readOnly script by EVALSHA_RO; the server refuses a write in it', async () => {
        const prefix = randomPrefix();
        const cache = open(prefix);
        registerScript(cache, 'peek', unique(LUA.get, prefix), {
          numKeys: 1,
          readOnly: true,
          post: decodeSinglePost,
        });
        registerScript(cache, 'sneaky', unique(LUA.set, prefix), { numKeys: 1, readOnly: true });
        const monitor = await watch(server(), prefix);
        try {
          await cache.set('k', { v: 1 });
          expect(await evalScript(cache, 'peek', { keys: ['k'] })).toEqual({ v: 1 });
          await monitor.until('evalsha_ro', 1);
          expect(monitor.seen().some((c) => c[0] === 'evalsha')).toBe(false);
          const error = await evalScript(cache, 'sneaky', { keys: ['k'], args: ['x'] }).catch(
            (e: unknown) => e,
          );
          expect(isCachexError(error) && error.code).toBe('E_COMMAND');
          expect(await cache.get('k')).toEqual({ v: 1 });
        } finally {
          await monitor.stop();
        }
      });
    }
  });
}

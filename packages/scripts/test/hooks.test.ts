import { createHash } from 'node:crypto';
import { createCodec } from '@cachex/codecs';
import {
  type Cache,
  type CachexError,
  ConfigError,
  createCache,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  isCachexError,
  NotSupportedError,
  type Reply,
} from '@cachex/core';
import { closeAfterEach, randomPrefix } from '@cachex/testing';
import { createMemoryTransport, type MemoryTransport } from '@cachex/transport-memory';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  decodeListOrNullPost,
  decodeListPost,
  decodeSinglePost,
  evalScript,
  fullEncodePre,
  keysOnlyPre,
  noopPost,
  type PostHook,
  type PreHook,
  registerScript,
  type ScriptCall,
  type ScriptHelpers,
  ScriptNotRegisteredError,
  scriptStep,
} from '../src/index.js';
import { LOCAL, LUA } from './fixtures.js';

// The registry, the hooks and the helpers, on the memory transport (scripts run their `local`).

const closers = closeAfterEach();

function open(): { cache: Cache; transport: MemoryTransport } {
  const { cache, transport } = closers.cache(createMemoryTransport());
  return { cache, transport };
}

/** Records the arguments a hook receives and hands on what `then` returns. */
function spyPre(then: PreHook = keysOnlyPre) {
  const calls: { helpers: ScriptHelpers; keys: readonly string[]; args: readonly unknown[] }[] = [];
  const pre: PreHook = (helpers, keys, args) => {
    calls.push({ helpers, keys, args });
    return then(helpers, keys, args);
  };
  return { pre, calls };
}

/** The helpers of one call of a script on `cache` (with `version`, when given). */
async function helpersOf(cache: Cache, version?: number): Promise<ScriptHelpers> {
  const { pre, calls } = spyPre();
  registerScript(cache, 'spy', LUA.answer, { pre, local: LOCAL.answer });
  await evalScript(cache, 'spy', version === undefined ? {} : { version });
  return calls[0]!.helpers;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('registerScript', () => {
  it('computes the SHA1 of the source and describes the registration', () => {
    const { cache } = open();
    const info = registerScript(cache, 'bump', LUA.bump, { numKeys: 1, local: LOCAL.bump });
    expect(info).toEqual({
      name: 'bump',
      sha: createHash('sha1').update(LUA.bump).digest('hex'),
      lua: LUA.bump,
      numKeys: 1,
      readOnly: false,
      hasLocal: true,
    });
    expect(Object.isFrozen(info)).toBe(true);
  });

  it('accepts the same name with the same source again, with the new options', async () => {
    const { cache } = open();
    registerScript(cache, 'answer', LUA.answer, { local: LOCAL.answer });
    expect(await evalScript(cache, 'answer')).toBe(42);
    registerScript(cache, 'answer', LUA.answer, {
      local: LOCAL.answer,
      post: (_h, reply) => Number(reply) + 1,
    });
    expect(await evalScript(cache, 'answer')).toBe(43);
  });

  it('refuses the same name with another source (ConfigError); the first one stays', async () => {
    const { cache } = open();
    registerScript(cache, 'answer', LUA.answer, { local: LOCAL.answer });
    let error: unknown;
    try {
      registerScript(cache, 'answer', 'return 43', { local: () => 43 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).context).toMatchObject({ script: 'answer' });
    expect((error as Error).message).toContain('already registered');
    expect(await evalScript(cache, 'answer')).toBe(42);
  });

  it('keeps one registry per cache', async () => {
    const a = open().cache;
    const b = open().cache;
    registerScript(a, 'answer', LUA.answer, { local: LOCAL.answer });
    registerScript(b, 'answer', 'return 43', { local: () => 43 }); // no clash: another cache
    expect(await evalScript(a, 'answer')).toBe(42);
    expect(await evalScript(b, 'answer')).toBe(43);
    const c = open().cache;
    const error = await failure(evalScript(c, 'answer'));
    expect(error).toBeInstanceOf(ScriptNotRegisteredError);
    expect((error as Error).message).toContain('none is registered yet');
    expect((error as ScriptNotRegisteredError).context.registered).toEqual([]);
  });

  it('refuses invalid registrations with a ConfigError naming the field', () => {
    const { cache } = open();
    const bad: [string, () => unknown][] = [
      ['cache', () => registerScript(null as unknown as Cache, 'x', 'return 1')],
      ['name', () => registerScript(cache, '', 'return 1')],
      ['name', () => registerScript(cache, 42 as unknown as string, 'return 1')],
      ['lua', () => registerScript(cache, 'x', '  ')],
      ['lua', () => registerScript(cache, 'x', undefined as unknown as string)],
      ['options', () => registerScript(cache, 'x', 'return 1', null as unknown as object)],
      ['numKeys', () => registerScript(cache, 'x', 'return 1', { numKeys: -1 })],
      ['numKeys', () => registerScript(cache, 'x', 'return 1', { numKeys: 1.5 })],
      [
        'numKeys',
        () => registerScript(cache, 'x', 'return 1', { numKeys: '1' as unknown as number }),
      ],
      ['pre', () => registerScript(cache, 'x', 'return 1', { pre: 'keys' as unknown as PreHook })],
      ['post', () => registerScript(cache, 'x', 'return 1', { post: {} as unknown as PostHook })],
      ['local', () => registerScript(cache, 'x', 'return 1', { local: 1 as unknown as () => 1 })],
      [
        'readOnly',
        () => registerScript(cache, 'x', 'return 1', { readOnly: 'yes' as unknown as boolean }),
      ],
    ];
    for (const [field, register] of bad) {
      let error: unknown;
      try {
        register();
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).context.field, field).toBe(field);
    }
  });
});

describe('evalScript and scriptStep', () => {
  it('checks the call before anything runs', async () => {
    const { cache } = open();
    const { pre, calls } = spyPre();
    registerScript(cache, 'bump', LUA.bump, { numKeys: 1, pre, local: LOCAL.bump });
    const bad: Promise<unknown>[] = [
      evalScript(cache, 'bump', { keys: 'n' as unknown as string[] }),
      evalScript(cache, 'bump', { keys: ['n'], args: 5 as unknown as unknown[] }),
      evalScript(cache, 'bump', 60 as unknown as object),
      evalScript(cache, 'bump', { keys: ['n'], args: [1], version: '2' as unknown as number }),
      evalScript(cache, 42 as unknown as string, { keys: ['n'], args: [1] }),
      evalScript(undefined as unknown as Cache, 'bump', { keys: ['n'], args: [1] }),
      // numKeys is checked before the pre hook runs.
      evalScript(cache, 'bump', { keys: [], args: [1] }),
    ];
    for (const call of bad) expect(await failure(call)).toBeInstanceOf(InvalidArgumentError);
    expect(calls).toEqual([]);
    expect(await cache.keys()).toEqual([]);
  });

  it('refuses a script without `local` on the memory transport (NotSupportedError)', async () => {
    const { cache } = open();
    registerScript(cache, 'lua-only', LUA.bump, { numKeys: 1 });
    const error = await failure(evalScript(cache, 'lua-only', { keys: ['n'], args: [1] }));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as Error).message).toContain('`local`');
    expect((error as NotSupportedError).context).toMatchObject({
      script: 'lua-only',
      transport: 'memory',
    });
    const [slot, n] = await cache
      .pipeline()
      .queue(scriptStep(cache, 'lua-only', { keys: ['n'], args: [1] }))
      .get('n')
      .exec();
    expect(slot).toBeInstanceOf(NotSupportedError);
    expect(n).toBeUndefined();
  });

  it('attaches the key of a one-key call to server errors', async () => {
    const { cache } = open();
    registerScript(cache, 'bump', LUA.bump, { numKeys: 1, local: LOCAL.bump });
    await cache.set('n', 'text');
    const error = await failure(evalScript(cache, 'bump', { keys: ['n'], args: [1] }));
    expect(isCachexError(error) && error.code).toBe('E_NOT_INTEGER');
    expect(isCachexError(error) && error.key).toBe('n');
  });

  it('types the result with the type argument', async () => {
    const { cache } = open();
    registerScript(cache, 'bump', LUA.bump, { local: LOCAL.bump });
    const n = evalScript<number>(cache, 'bump', { keys: ['n'], args: [1] });
    expectTypeOf(n).toEqualTypeOf<Promise<number>>();
    expectTypeOf(evalScript).returns.toEqualTypeOf<Promise<unknown>>();
    expect(await n).toBe(1);
    const results = await cache
      .pipeline()
      .queue(scriptStep<number>(cache, 'bump', { keys: ['n'], args: [1] }))
      .get<string>('s')
      .exec();
    expectTypeOf(results).toEqualTypeOf<[number | CachexError, string | undefined | CachexError]>();
    expect(results).toEqual([2, undefined]);
  });
});

describe('ScriptHelpers', () => {
  it('makes keys with the call version', async () => {
    const { cache } = open();
    const helpers = await helpersOf(cache);
    expect(helpers.script).toBe('spy');
    expect(helpers.version).toBe(1);
    expect(helpers.makeKey('k')).toBe(cache.makeKey('k'));
    expect(helpers.makeKey('k', 5)).toBe(`${cache.keyPrefix}:5:k`);
    expect(helpers.makeKeys(['a', 'b'])).toEqual([cache.makeKey('a'), cache.makeKey('b')]);
    const v3 = await helpersOf(cache, 3);
    expect(v3.version).toBe(3);
    expect(v3.makeKey('k')).toBe(`${cache.keyPrefix}:3:k`);
    expect(v3.makeKeys(['a'])).toEqual([`${cache.keyPrefix}:3:a`]);
    expect(() => helpers.makeKey('bad\nkey')).toThrow(/control character/);
  });

  it('encodes as the codec does, and says which script failed', async () => {
    const { cache } = open();
    const helpers = await helpersOf(cache);
    const value = { a: [1, 'x'], b: null };
    expect(await helpers.encode(value)).toEqual(await cache.context.codec.encode(value));
    expect(await helpers.encode(5)).toBe('5');
    expect(await helpers.encodeValues([value, 5])).toEqual([
      await cache.context.codec.encode(value),
      '5',
    ]);
    let error: unknown;
    try {
      await helpers.encode(new Map([[1, 2]]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).context.script).toBe('spy');
  });

  it('decodes as the codec does: nil stays null, numbers stay numbers', async () => {
    const { cache } = open();
    const helpers = await helpersOf(cache);
    const bytes = Buffer.from(await cache.context.codec.encode({ v: 1 }));
    expect(await helpers.decode(bytes)).toEqual({ v: 1 });
    expect(await helpers.decode(Buffer.from('12'))).toBe(12);
    expect(await helpers.decode(7)).toBe(7);
    expect(await helpers.decode(null)).toBeNull();
    expect(await helpers.decodeValues([bytes, null, 3])).toEqual([{ v: 1 }, null, 3]);
    expect(() => helpers.decode([bytes])).toThrow(DecodeError);
    expect(() => helpers.decodeValues(bytes)).toThrow(DecodeError);
    let error: unknown;
    try {
      await helpers.decode(Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).context.script).toBe('spy');
  });
});

describe('prebuilt hooks', () => {
  it('keysOnlyPre prefixes the keys and sends the args as they are', async () => {
    const { cache } = open();
    const helpers = await helpersOf(cache);
    const bytes = Buffer.from([1, 2]);
    const call = (await keysOnlyPre(
      helpers,
      ['a', 'b'],
      ['text', 1.5, bytes, 12345678901234567890n, new Uint8Array([3, 4])],
    )) as ScriptCall;
    expect(call.keys).toEqual([cache.makeKey('a'), cache.makeKey('b')]);
    expect(call.args).toEqual(['text', 1.5, bytes, '12345678901234567890', Buffer.from([3, 4])]);
    for (const arg of [{ a: 1 }, [1], undefined, null, Number.NaN, true]) {
      expect(() => keysOnlyPre(helpers, ['a'], ['ok', arg]), String(arg)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => keysOnlyPre(helpers, [], ['ok', { a: 1 }])).toThrow(/ARGV\[2\].*fullEncodePre/);
  });

  it('fullEncodePre prefixes the keys and encodes every arg', async () => {
    const { cache } = open();
    const helpers = await helpersOf(cache);
    const call = await fullEncodePre(helpers, ['a'], [{ x: 1 }, 7, 'text']);
    expect(call.keys).toEqual([cache.makeKey('a')]);
    const codec = cache.context.codec;
    expect(call.args).toEqual([
      await codec.encode({ x: 1 }),
      await codec.encode(7),
      await codec.encode('text'),
    ]);
  });

  it('post hooks: decodeSinglePost, decodeListPost, decodeListOrNullPost, noopPost', async () => {
    const { cache } = open();
    const helpers = await helpersOf(cache);
    const bytes = Buffer.from(await cache.context.codec.encode({ v: 1 }));
    expect(await decodeSinglePost(helpers, null)).toBeNull();
    expect(await decodeSinglePost(helpers, bytes)).toEqual({ v: 1 });
    expect(await decodeListPost(helpers, null)).toEqual([]);
    expect(await decodeListPost(helpers, [bytes, null])).toEqual([{ v: 1 }, null]);
    expect(await decodeListOrNullPost(helpers, null)).toBeNull();
    expect(await decodeListOrNullPost(helpers, [null, bytes])).toEqual([null, { v: 1 }]);
    const reply: Reply = [bytes, 1, null];
    expect(noopPost(helpers, reply)).toBe(reply);
  });

  it("fullEncodePre writes the bytes cache.set writes, with the cache's codec", async () => {
    const transport = createMemoryTransport();
    closers.add(() => transport.close());
    const codec = createCodec({ serializer: 'json', compressor: 'zlib', minLength: 8 });
    const cache = createCache({ transport, codec, keyPrefix: randomPrefix() });
    registerScript(cache, 'swap', LUA.swap, {
      pre: fullEncodePre,
      post: decodeSinglePost,
      local: LOCAL.swap,
    });
    const value = { text: 'long enough to be compressed '.repeat(4), n: [1, 2, 3] };
    expect(await evalScript(cache, 'swap', { keys: ['by-script'], args: [value] })).toEqual(value);
    await cache.set('by-cache', value);
    const raw = (key: string) => transport.command('GET', [cache.makeKey(key)]);
    const written = (await raw('by-script')) as Buffer;
    expect(written).toEqual(await raw('by-cache'));
    expect(written.subarray(0, 1)).toEqual(Buffer.from([0x78])); // a zlib stream
    expect(await cache.get('by-script')).toEqual(value);
  });

  it('defaults: keys prefixed, args as they are, the raw reply', async () => {
    const { cache } = open();
    registerScript(cache, 'set', LUA.set, { local: LOCAL.set });
    registerScript(cache, 'get', LUA.get, { local: LOCAL.get });
    expect(await evalScript(cache, 'set', { keys: ['k'], args: ['raw'] })).toEqual(
      Buffer.from('OK'),
    );
    expect(await evalScript(cache, 'get', { keys: ['k'] })).toEqual(Buffer.from('raw'));
    expect(await cache.context.transport.command('GET', [cache.makeKey('k')])).toEqual(
      Buffer.from('raw'),
    );
  });
});

describe('custom hooks', () => {
  it('may be async, on the cache and in a pipeline', async () => {
    const { cache } = open();
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));
    registerScript(cache, 'bump', LUA.bump, {
      numKeys: 1,
      local: LOCAL.bump,
      pre: async (helpers, keys, args) =>
        later({ keys: helpers.makeKeys(keys), args: [Number(args[0]) * 2] }),
      post: async (_helpers, reply) => later(`n=${String(reply)}`),
    });
    expect(await evalScript(cache, 'bump', { keys: ['n'], args: [5] })).toBe('n=10');
    expect(
      await cache
        .pipeline({ transaction: true })
        .queue(scriptStep<string>(cache, 'bump', { keys: ['n'], args: [1] }))
        .get('n')
        .exec(),
    ).toEqual(['n=12', 12]);
  });

  it('refuses what a pre hook hands on when it is not { keys, args } of sendable values', async () => {
    const { cache } = open();
    const bad: PreHook[] = [
      () => undefined as unknown as ScriptCall,
      () => ({ keys: ['k'] }) as unknown as ScriptCall,
      () => ({ keys: [1 as unknown as string], args: [] }),
      () => ({ keys: ['k'], args: [{ not: 'encoded' } as unknown as string] }),
    ];
    for (const [i, pre] of bad.entries()) {
      registerScript(cache, `bad${i}`, `-- ${i}\n${LUA.bump}`, { pre, local: LOCAL.bump });
      const error = await failure(evalScript(cache, `bad${i}`, { keys: ['n'], args: [1] }));
      expect(error, String(i)).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).context.script).toBe(`bad${i}`);
    }
    expect(await cache.keys()).toEqual([]);
  });

  it('passes on errors of the hooks: the call rejects, a pipeline slot holds them', async () => {
    const { cache } = open();
    const boom = new InvalidArgumentError('no negative amounts');
    registerScript(cache, 'checked', LUA.bump, {
      local: LOCAL.bump,
      pre: (helpers, keys, args) => {
        if (Number(args[0]) < 0) throw boom;
        return keysOnlyPre(helpers, keys, args);
      },
      post: (_helpers, reply) => {
        if (reply === 13) throw new EncodeError('unlucky');
        return reply;
      },
    });
    expect(await failure(evalScript(cache, 'checked', { keys: ['n'], args: [-1] }))).toBe(boom);
    expect(await cache.has('n')).toBe(false);
    const results = await cache
      .pipeline()
      .queue(scriptStep(cache, 'checked', { keys: ['n'], args: [-1] }))
      .queue(scriptStep(cache, 'checked', { keys: ['n'], args: [13] }))
      .queue(scriptStep(cache, 'checked', { keys: ['n'], args: [1] }))
      .exec();
    expect(results[0]).toBe(boom);
    expect(results[1]).toBeInstanceOf(EncodeError);
    expect(results[2]).toBe(14);
  });
});

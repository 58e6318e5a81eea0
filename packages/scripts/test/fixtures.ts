import type { LocalScript } from '@cachex/core';

// Lua sources of the tests, each with its in-process twin for the memory transport.

export const LUA = {
  answer: 'return 42',
  bump: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
  swap: "redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('GET', KEYS[1])",
  mget: "return redis.call('MGET', unpack(KEYS))",
  get: "return redis.call('GET', KEYS[1])",
  set: "return redis.call('SET', KEYS[1], ARGV[1])",
};

export const LOCAL: Record<keyof typeof LUA, LocalScript> = {
  answer: () => 42,
  bump: ({ keys, args, call }) => call('INCRBY', keys[0]!, args[0]!),
  swap: ({ keys, args, call }) => {
    call('SET', keys[0]!, args[0]!);
    return call('GET', keys[0]!);
  },
  mget: ({ keys, call }) => call('MGET', ...keys),
  get: ({ keys, call }) => call('GET', keys[0]!),
  set: ({ keys, args, call }) => call('SET', keys[0]!, args[0]!),
};

import { createScript, type Reply, type Script } from '@cachex/core';

// Every script has an in-process twin (`local`) with the same replies, so that a lock works on
// the memory transport too. Replies of the compare-and-act scripts: 1 done, 0 the lock key is
// missing, -1 another token holds it.

function sameToken(stored: Reply, token: Buffer): boolean {
  return (
    (Buffer.isBuffer(stored) && stored.equals(token)) ||
    (typeof stored === 'string' && stored === token.toString())
  );
}

function notOwned(stored: Reply): number {
  return stored === null ? 0 : -1;
}

/**
 * KEYS: lock, fence. ARGV: token, lease in ms (`0`: no expiry). SET NX (PX) the token and, when
 * it was set, INCR the fencing counter in the same atomic run: returns the new fencing token,
 * or 0 when the lock is held.
 */
export const ACQUIRE: Script = createScript(
  `local ok
if ARGV[2] == '0' then
  ok = redis.call('SET', KEYS[1], ARGV[1], 'NX')
else
  ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
end
if not ok then return 0 end
return redis.call('INCR', KEYS[2])`,
  {
    local: ({ keys, args, call }) => {
      const [lock, fence] = keys as [string, string];
      const [token, ms] = args as [Buffer, Buffer];
      const ok =
        ms.toString() === '0'
          ? call('SET', lock, token, 'NX')
          : call('SET', lock, token, 'NX', 'PX', ms);
      return ok === null ? 0 : call('INCR', fence);
    },
  },
);

/** KEYS: lock. ARGV: token. DEL the lock only when it holds `token`. */
export const RELEASE: Script = createScript(
  `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if v then return -1 end
return 0`,
  {
    local: ({ keys, args, call }) => {
      const lock = keys[0]!;
      const stored = call('GET', lock);
      if (!sameToken(stored, args[0]!)) return notOwned(stored);
      call('DEL', lock);
      return 1;
    },
  },
);

/**
 * KEYS: lock. ARGV: token, ms, mode (`1`: the TTL becomes ms; `0`: ms is added to the TTL
 * left). PEXPIRE the lock only when it holds `token`.
 */
export const EXTEND: Script = createScript(
  `local v = redis.call('GET', KEYS[1])
if v ~= ARGV[1] then
  if v then return -1 end
  return 0
end
local ttl = ARGV[2]
if ARGV[3] == '0' then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then ttl = string.format('%d', tonumber(ARGV[2]) + left) end
end
redis.call('PEXPIRE', KEYS[1], ttl)
return 1`,
  {
    local: ({ keys, args, call }) => {
      const lock = keys[0]!;
      const [token, ms, mode] = args as [Buffer, Buffer, Buffer];
      const stored = call('GET', lock);
      if (!sameToken(stored, token)) return notOwned(stored);
      let ttl = Number(ms.toString());
      if (mode.toString() === '0') {
        const left = call('PTTL', lock) as number;
        if (left > 0) ttl += left;
      }
      call('PEXPIRE', lock, ttl);
      return 1;
    },
  },
);

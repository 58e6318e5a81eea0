import { randomBytes } from 'node:crypto';
import type { Reply } from '@cachex/core';
import { getTestServers } from '@cachex/testing';
import { createStandaloneTransport, type StandaloneTransport } from '@cachex/transport-standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

// The memory store must answer exactly like redis-server 7 (the replies core decodes, and the
// error texts core classifies). Each scenario runs on both, command by command, and the
// replies are compared byte for byte. `$x` is a key under a random prefix.

type Mode = 'exact' | 'unordered' | 'length';
type Step = string | [Mode, string];

const scenarios: Record<string, Step[]> = {
  strings: [
    'SET $s hello',
    'GET $s',
    'SET $s world NX',
    'SET $s world XX GET',
    'SET $missing v XX',
    'SET $s v EX 100 PX 100',
    'SET $s v NX XX',
    'SET $s v PX 0',
    'SET $s v EX abc',
    'SET $s v KEEPTTL EX 10',
    'SET $s v EX 100',
    'TTL $s',
    'SET $s v2 KEEPTTL',
    'TTL $s',
    'SET $s v3',
    'TTL $s',
    'MSET $a 1 $b 2',
    'MSET $a',
    'MGET $a $b $nope',
    'INCR $a',
    'INCRBY $a -10',
    'DECRBY $a 5',
    'INCR $s',
    'SET $n 9223372036854775806',
    'INCR $n',
    'INCR $n',
    'SET $n 01',
    'INCR $n',
    'SET $n -0',
    'INCR $n',
    'INCRBY $a 1.5',
    'INCRBYFLOAT $f 0.1',
    'INCRBYFLOAT $f 0.2',
    'INCRBYFLOAT $f 12345678.123456789',
    'INCRBYFLOAT $f -12345678.423456789',
    'INCRBYFLOAT $f 1e20',
    'INCRBYFLOAT $f inf',
    'INCRBYFLOAT $s 1',
    'APPEND $s xyz',
    'STRLEN $s',
    'GETDEL $s',
    'GETDEL $s',
    'SETNX $s a',
    'SETNX $s b',
    'MSETNX $s 1 $new 2',
    'MGET $new',
  ],
  keys: [
    'SET $k v',
    'EXISTS $k $k $nope',
    'TYPE $k',
    'TYPE $nope',
    'TTL $k',
    'PTTL $nope',
    'EXPIRE $k 100 NX XX',
    'EXPIRE $k 100 GT LT',
    'EXPIRE $k 100 FOO',
    'EXPIRE $k 99999999999999999',
    'EXPIRE $k 100 XX',
    'EXPIRE $k 100 NX',
    'TTL $k',
    'EXPIRE $k 50 GT',
    'EXPIRE $k 200 GT',
    'TTL $k',
    'EXPIRE $k 300 LT',
    'PERSIST $k',
    'PERSIST $k',
    'EXPIRE $k 10 LT',
    'TTL $k',
    'PEXPIRE $k 5000',
    'TTL $k',
    'EXPIRE $nope 10',
    'RENAME $nope $x',
    'RENAME $k $k',
    'RENAMENX $k $k',
    'SET $other 1',
    'RENAMENX $k $other',
    'RENAME $k $other',
    'TTL $other',
    'GET $other',
    'EXISTS $k',
    'EXPIRE $other 0',
    'EXISTS $other',
    'SET $z v',
    'EXPIREAT $z 1',
    'EXISTS $z',
    'DEL $a $b',
    'SET $a 1',
    'UNLINK $a $a $b',
    'PING',
    'PING hi',
    'PING a b',
    'ECHO hello',
    'WAIT 0 0',
    'WAIT 0 -1',
    'WAIT a 0',
    'GET',
    'NOSUCHCOMMAND a b',
  ],
  hashes: [
    'HSET $h f v g w',
    'HSET $h f v2',
    'HSET $h f',
    'HGET $h f',
    'HGET $h nope',
    'HMGET $h f nope g',
    'HGETALL $h',
    'HGETALL $nope',
    'HLEN $h',
    'HKEYS $h',
    'HVALS $h',
    'HEXISTS $h g',
    'HSETNX $h g x',
    'HSETNX $h n 10',
    'HINCRBY $h n 5',
    'HINCRBY $h f 1',
    'HINCRBY $h n abc',
    'HINCRBY $h n 9223372036854775807',
    'HINCRBYFLOAT $h fl 1.5',
    'HINCRBYFLOAT $h fl 0.1',
    'HINCRBYFLOAT $h f 1',
    'HINCRBYFLOAT $h fl inf',
    'HINCRBYFLOAT $h fl abc',
    'HINCRBYFLOAT $h big 123456789012345678901234567890',
    'HSTRLEN $h f',
    'HDEL $h f g nope',
    'HGETALL $h',
    'HDEL $h n fl big',
    'EXISTS $h',
    'SET $s x',
    'HGET $s f',
    'HSET $s f v',
  ],
  sets: [
    'SADD $s a b c',
    'SADD $s a d',
    ['unordered', 'SMEMBERS $s'],
    'SISMEMBER $s a',
    'SMISMEMBER $s a z d',
    'SCARD $s',
    'SREM $s a z',
    ['length', 'SRANDMEMBER $s 2'],
    ['length', 'SRANDMEMBER $s -5'],
    'SRANDMEMBER $s 0',
    'SRANDMEMBER $nope',
    'SRANDMEMBER $nope 2',
    'SRANDMEMBER $s abc',
    'SPOP $s -1',
    'SPOP $s abc',
    'SPOP $nope',
    'SPOP $nope 2',
    'SADD $t c d e',
    ['unordered', 'SINTER $s $t'],
    ['unordered', 'SUNION $s $t'],
    ['unordered', 'SDIFF $s $t'],
    'SINTER $s $nope',
    'SINTERSTORE $dst $s $t',
    ['unordered', 'SMEMBERS $dst'],
    'SUNIONSTORE $dst $s $t',
    'SDIFFSTORE $dst $s $s',
    'EXISTS $dst',
    'SMOVE $s $t b',
    'SMOVE $s $t b',
    'SMOVE $nope $t b',
    'SET $str x',
    'SMOVE $t $str c',
    'SMOVE $nope $str c',
    'SINTER $t $str',
    'SADD $str a',
    ['length', 'SPOP $t 10'],
    'EXISTS $t',
  ],
  'sorted sets': [
    'ZADD $z 1 a 2 b 3 c',
    'ZADD $z 0.1 d 1.5 e 1e20 f 0.3 g inf h -inf i',
    'ZADD $z 1e-400 j',
    'ZADD $z nan j',
    'ZADD $z 2.5e-320 k 123456789012345678 l -0 m',
    'ZRANGE $z 0 -1 WITHSCORES',
    'ZADD $z NX XX 1 a',
    'ZADD $z GT NX 1 a',
    'ZADD $z INCR 1 a 2 b',
    'ZADD $z 1',
    'ZADD $z 1 a 2',
    'ZADD $z abc a',
    'ZADD $z INCR 1 a',
    'ZADD $z NX INCR 1 a',
    'ZADD $z XX 5 new',
    'ZADD $zz XX 5 new',
    'EXISTS $zz',
    'ZADD $z GT CH 0 a 10 b 7 n',
    'ZADD $z LT INCR 100 b',
    'ZADD $z LT INCR -1 b',
    'ZINCRBY $z 0.2 d',
    'ZINCRBY $z inf h',
    'ZINCRBY $z -inf h',
    'ZSCORE $z d',
    'ZSCORE $z nope',
    'ZMSCORE $z a nope b',
    'ZMSCORE $nope a',
    'ZCARD $z',
    'ZRANK $z a',
    'ZREVRANK $z a',
    'ZRANK $z nope',
    'ZCOUNT $z (1 +inf',
    'ZCOUNT $z -inf (1',
    'ZCOUNT $z ((1 2',
    'ZCOUNT $z [1 2',
    'ZRANGE $z 0 1 LIMIT 0 1',
    'ZRANGE $z - + BYLEX WITHSCORES',
    'ZRANGE $z (1 5 BYSCORE WITHSCORES',
    'ZRANGE $z 5 (1 BYSCORE REV',
    'ZRANGE $z 0 -1 REV WITHSCORES',
    'ZRANGE $z 2 100',
    'ZRANGE $z -3 -1',
    'ZRANGE $z 5 2',
    'ZRANGE $z 0 1 BYSCORE LIMIT 1 2 WITHSCORES',
    'ZRANGE $z a b',
    'ZRANGE $z 0 1 FOO',
    'ZREVRANGE $z 0 2 WITHSCORES',
    'ZREVRANGE $z 0 2 REV',
    'ZRANGEBYSCORE $z -inf +inf LIMIT 1 -1',
    'ZRANGEBYSCORE $z -inf +inf LIMIT -1 2',
    'ZRANGEBYSCORE $z +inf -inf',
    'ZRANGEBYSCORE $z 1 10 WITHSCORES LIMIT 1 2',
    'ZRANGEBYSCORE $z 1 10 LIMIT 0',
    'ZREVRANGEBYSCORE $z +inf -inf LIMIT 0 2 WITHSCORES',
    'ZREVRANGEBYSCORE $z 10 (1',
    'ZREM $z a nope',
    'ZREMRANGEBYRANK $z 0 0',
    'ZREMRANGEBYRANK $z -2 -1',
    'ZREMRANGEBYSCORE $z -inf (1',
    'ZRANGE $z 0 -1 WITHSCORES',
    'ZPOPMAX $z 2',
    'ZPOPMIN $z',
    'ZPOPMIN $z -1',
    'ZPOPMIN $z abc',
    'ZPOPMIN $nope',
    'ZPOPMIN $z 0',
    'ZPOPMIN $z 100',
    'EXISTS $z',
    'ZADD $lex 0 a 0 b 0 c 0 d',
    'ZRANGEBYLEX $lex [b (d',
    'ZREVRANGEBYLEX $lex + (b',
    'ZLEXCOUNT $lex - +',
    'ZRANGEBYLEX $lex b d',
    'SET $str x',
    'ZADD $str 1 a',
    'ZRANGE $str 0 1',
  ],
  lists: [
    'RPUSH $l a b c a b c a',
    'LPOS $l a RANK -1',
    'LPOS $l a RANK 2 COUNT 2',
    'LPOS $l a COUNT 0 MAXLEN 4',
    'LPOS $l a RANK -2 MAXLEN 3 COUNT 0',
    'LPOS $l a RANK 0',
    'LPOS $l a RANK abc',
    'LPOS $l a COUNT -1',
    'LPOS $l a COUNT abc',
    'LPOS $l a MAXLEN -1',
    'LPOS $l a FOO',
    'LPOS $l a RANK',
    'LPOS $l nope',
    'LPOS $l nope COUNT 0',
    'LPOS $nope a',
    'LPOS $nope a COUNT 0',
    'LREM $l -2 a',
    'LRANGE $l 0 -1',
    'LSET $l -1 z',
    'LSET $l 10 z',
    'LSET $nope 0 z',
    'LTRIM $l 1 -2',
    'LRANGE $l 0 -1',
    'LPOP $l 1 2',
    'LINSERT $l AFTER b X',
    'LINSERT $l MIDDLE b X',
    'LINSERT $l BEFORE zz X',
    'LINSERT $nope BEFORE a X',
    'LMOVE $l $l LEFT RIGHT',
    'LMOVE $l $l LEFT CENTER',
    'LRANGE $l 0 -1',
    'RPOPLPUSH $l $l2',
    'LMOVE $nope $l LEFT RIGHT',
    'LPUSH $l2 x y',
    'LPOP $l2 0',
    'LPOP $nope 0',
    'LPOP $nope 2',
    'LPOP $l2 5',
    'LPOP $l2 -1',
    'LPOP $l2 abc',
    'LPOP $l2',
    'RPUSHX $nope a',
    'LPUSHX $l q',
    'LINDEX $l -1',
    'LINDEX $l 99',
    'LINDEX $nope abc',
    'LINDEX $l abc',
    'LRANGE $l -100 100',
    'LRANGE $l abc 1',
    'LRANGE $nope 0 -1',
    'LLEN $l',
    'LREM $l 0 b',
    'RPOP $l 2',
    'LTRIM $l 5 1',
    'EXISTS $l',
    'BLPOP $l abc',
    'BLPOP $l -1',
    'SET $str x',
    'LPUSH $str a',
    'LLEN $str',
    'RPUSH $m 1 2',
    'BLPOP $m 0',
    'BRPOP $nope $m 0',
    'BLMOVE $nope $m LEFT RIGHT 0.01',
  ],
};

/** An error reply, kept apart from values. */
class ServerError {
  constructor(readonly message: string) {}
}

function normalize(reply: Reply | ServerError, mode: Mode): unknown {
  if (reply instanceof ServerError) return { error: reply.message };
  if (Buffer.isBuffer(reply)) return `<${reply.toString('latin1')}>`;
  if (Array.isArray(reply)) {
    if (mode === 'length') return { length: reply.length };
    const items = reply.map((r) => normalize(r, 'exact'));
    return mode === 'unordered' ? items.map(String).sort() : items;
  }
  return reply;
}

function runOnStore(store: MemoryStore, args: string[]): Reply | ServerError {
  try {
    return store.call(args[0]!, args.slice(1));
  } catch (error) {
    return new ServerError((error as Error).message);
  }
}

describe('differential: memory store vs redis-server', () => {
  // The server side goes through cachex's own standalone transport (ioredis callBuffer with
  // upper-case command names, so replies are not reshaped): exactly what core decodes.
  let server: StandaloneTransport;
  beforeAll(() => {
    server = createStandaloneTransport({
      location: getTestServers().standalone.url,
      driver: 'ioredis',
    });
  });
  afterAll(() => server.close());
  const send = async (args: string[]): Promise<Reply | ServerError> => {
    try {
      return await server.command(args[0]!, args.slice(1));
    } catch (error) {
      // The server's own text is the translated error's cause.
      const cause = (error as Error).cause;
      return new ServerError(cause instanceof Error ? cause.message : (error as Error).message);
    }
  };

  for (const [name, steps] of Object.entries(scenarios)) {
    it(`${name}: every reply matches`, async () => {
      const prefix = `cx-diff-${randomBytes(4).toString('hex')}:`;
      const store = new MemoryStore();
      const mismatches: string[] = [];
      for (const step of steps) {
        const [mode, line] = typeof step === 'string' ? (['exact', step] as const) : step;
        const args = line.split(' ').map((a) => a.replace(/^\$/, prefix));
        const expected = normalize(await send(args), mode);
        const actual = normalize(runOnStore(store, args), mode);
        try {
          expect(actual).toEqual(expected);
        } catch {
          mismatches.push(
            `${line}\n    redis:  ${JSON.stringify(expected)}\n    memory: ${JSON.stringify(actual)}`,
          );
        }
      }
      store.close();
      expect(mismatches.join('\n')).toBe('');
    });
  }
});

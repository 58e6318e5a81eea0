import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CachexCache, isCachexError, type Reply } from '@cachex/all';

// The checkout's keys share the hash tag `{shop}`: the commit script touches all of them at
// once, and on a cluster a script's keys must be in one hash slot.

/** Every order, oldest first (a list). */
export const ORDERS_KEY = '{shop}:orders';
/** The highest fencing token that committed an order. */
const FENCE_KEY = '{shop}:orders:fence';

/** The key of a product's stock (an integer). */
export function stockKey(productId: string): string {
  return `{shop}:stock:${productId}`;
}

/** One line of a cart or an order. */
export interface OrderLine {
  productId: string;
  qty: number;
}

/** An order as recorded, with the fencing token of the lock holder that committed it. */
export interface Order {
  id: string;
  lines: (OrderLine & { price: number })[];
  /** In cents. */
  total: number;
  fencingToken: number;
  at: string;
}

/** What a checkout came to. */
export type CheckoutResult =
  | { ok: true; order: Order }
  | { ok: false; reason: 'out-of-stock'; productId?: string }
  | { ok: false; reason: 'fenced' | 'busy' | 'lock-lost' };

const COMMIT = 'shop_commit_order';

/**
 * Commits an order atomically. KEYS: the fence, the order list, then one stock key per line;
 * ARGV: the fencing token, the order (encoded by the cache's codec), then one quantity per
 * line. Refuses a token that is not above the last committed one (a holder whose lease ran
 * out while a newer holder committed: -1), and a line whose stock is short (0); else
 * decrements every stock, records the token and appends the order (1).
 */
const COMMIT_LUA = `local token = tonumber(ARGV[1])
if token <= tonumber(redis.call('GET', KEYS[1]) or '0') then return -1 end
for i = 3, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') < tonumber(ARGV[i]) then return 0 end
end
for i = 3, #KEYS do redis.call('DECRBY', KEYS[i], ARGV[i]) end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1`;

function toNumber(reply: Reply | Buffer | undefined): number {
  return reply === null || reply === undefined ? 0 : Number(reply.toString());
}

/** Registers the commit script on `cache` (Lua on a server, its JavaScript twin in memory). */
export function registerCheckoutScript(cache: CachexCache): void {
  cache.registerScript(COMMIT, COMMIT_LUA, {
    pre: async (helpers, keys, args) => ({
      keys: helpers.makeKeys(keys),
      args: [args[0] as number, await helpers.encode(args[1]), ...(args.slice(2) as number[])],
    }),
    local: ({ keys, args, call }) => {
      const [fence, orders, ...stocks] = keys as [string, string, ...string[]];
      const [token, order, ...qtys] = args as [Buffer, Buffer, ...Buffer[]];
      if (toNumber(token) <= toNumber(call('GET', fence))) return -1;
      if (stocks.some((key, i) => toNumber(call('GET', key)) < toNumber(qtys[i]))) return 0;
      for (const [i, key] of stocks.entries()) call('DECRBY', key, qtys[i]!);
      call('SET', fence, token);
      call('RPUSH', orders, order);
      return 1;
    },
  });
}

export interface CheckoutOptions {
  /** The price of each product of the lines, in cents. */
  prices: ReadonlyMap<string, number>;
  /** How long "charging the card" takes while the lock is held. */
  paymentDelayMs: number;
}

/**
 * Sells `lines`, never more than the stock: under the `checkout` lock, re-reads the stock,
 * "charges the card", then commits with the script, which checks the lock's fencing token.
 */
export async function checkout(
  cache: CachexCache,
  lines: readonly OrderLine[],
  { prices, paymentDelayMs }: CheckoutOptions,
): Promise<CheckoutResult> {
  const keys = lines.map((line) => stockKey(line.productId));
  const shortOf = (stock: Map<string, number>) =>
    lines.find((line, i) => (stock.get(keys[i]!) ?? 0) < line.qty)?.productId;

  // A quick look without the lock: a sold-out product is refused without waiting in line.
  const soldOut = shortOf(await cache.getMany<number>(keys));
  if (soldOut !== undefined) return { ok: false, reason: 'out-of-stock', productId: soldOut };

  let committed: Order | undefined;
  try {
    return await cache.withLock(
      'checkout',
      async ({ fencingToken, signal }): Promise<CheckoutResult> => {
        // The quick look may be stale by now: look again, before charging anyone.
        const short = shortOf(await cache.getMany<number>(keys));
        if (short !== undefined) return { ok: false, reason: 'out-of-stock', productId: short };
        await sleep(paymentDelayMs, undefined, { signal }); // charge the card
        const priced = lines.map((line) => ({ ...line, price: prices.get(line.productId) ?? 0 }));
        const order: Order = {
          id: randomUUID(),
          lines: priced,
          total: priced.reduce((sum, line) => sum + line.price * line.qty, 0),
          fencingToken,
          at: new Date().toISOString(),
        };
        const reply = await cache.evalScript<number>(COMMIT, {
          keys: [FENCE_KEY, ORDERS_KEY, ...keys],
          args: [fencingToken, order, ...lines.map((line) => line.qty)],
        });
        if (reply === 1) {
          committed = order;
          return { ok: true, order };
        }
        // 0 cannot happen while the lock is held; -1 when a newer holder committed first.
        return reply === 0
          ? { ok: false, reason: 'out-of-stock' }
          : { ok: false, reason: 'fenced' };
      },
      // A 5 s lease, renewed while the payment runs; give up after waiting 10 s.
      { timeout: 5, autoExtend: true, blockingTimeout: 10, sleep: 0.02 },
    );
  } catch (error) {
    // The lease was lost after the commit: the order stands (its token was the highest).
    if (committed !== undefined) return { ok: true, order: committed };
    if (isCachexError(error, 'E_LOCK_NOT_ACQUIRED')) return { ok: false, reason: 'busy' };
    if (isCachexError(error, 'E_LOCK_LOST')) return { ok: false, reason: 'lock-lost' };
    throw error;
  }
}

/**
 * The values every section stores. Generated from a fixed seed, so every run (and every
 * contender within a run) works on exactly the same data, and shaped like what services cache:
 * records with repeated field names, short strings from a small vocabulary, numbers, booleans,
 * nesting. That makes the large values compress the way real JSON does (3–10×), not like
 * random bytes (1×) nor like one repeated string (100×+).
 */

/** A small deterministic PRNG (mulberry32): fast, seedable, good enough for test data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
];
const ROLES = ['admin', 'editor', 'viewer', 'billing', 'support'];

/** One cached record, as a user/profile/order-like object. */
export interface BenchRecord {
  id: number;
  name: string;
  email: string;
  active: boolean;
  score: number;
  roles: string[];
  address: { city: string; zip: string; country: string };
  tags: string[];
  createdAt: string;
}

function makeRecord(next: () => number, id: number): BenchRecord {
  const word = (): string => WORDS[Math.floor(next() * WORDS.length)]!;
  const first = word();
  const last = word();
  return {
    id,
    name: `${first} ${last}`,
    email: `${first}.${last}${id}@example.com`,
    active: next() < 0.8,
    score: Math.round(next() * 100000) / 100,
    roles: [ROLES[Math.floor(next() * ROLES.length)]!],
    address: {
      city: word(),
      zip: String(10000 + Math.floor(next() * 89999)),
      country: next() < 0.5 ? 'DE' : 'US',
    },
    tags: [word(), word()],
    createdAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 3e10)).toISOString(),
  };
}

/** Records until the value's JSON text reaches about `targetBytes`. */
function makeValue(seed: number, targetBytes: number): { items: BenchRecord[]; page: number } {
  const next = random(seed);
  const items: BenchRecord[] = [];
  let size = 0;
  while (size < targetBytes) {
    const record = makeRecord(next, items.length + 1);
    items.push(record);
    size += JSON.stringify(record).length + 1;
  }
  return { items, page: 1 };
}

/** A small value (one record, ~250 bytes of JSON: under the codec's default `minLength`). */
export function smallValue(): BenchRecord {
  return makeRecord(random(1), 42);
}

/**
 * One record grown to about `targetBytes` of JSON with more tags (the ~300-byte case: larger
 * than the codec's default `minLength` of 256, so compressors apply, yet a single object).
 */
export function recordValue(targetBytes: number): BenchRecord {
  const next = random(targetBytes);
  const record = makeRecord(next, 7);
  while (jsonBytes(record) < targetBytes)
    record.tags.push(WORDS[Math.floor(next() * WORDS.length)]!);
  return record;
}

/** A list value of about `targetBytes` of JSON text (the ~2 KB and ~100 KB cases). */
export function listValue(targetBytes: number): { items: BenchRecord[]; page: number } {
  return makeValue(targetBytes, targetBytes);
}

/** Bytes of `value` as plain `JSON.stringify` writes it: the common size basis of every table. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

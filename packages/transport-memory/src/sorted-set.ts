/** One run of consecutive members (and their scores) in order. */
interface Chunk {
  members: string[];
  scores: number[];
}

// A chunk splits in two past this size, so an insert moves at most this many items.
const MAX_CHUNK = 512;

function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/**
 * The value of a sorted set: members (latin1 strings, see `args.ts`) ordered by score, then by
 * bytes, like Redis. A map gives O(1) score lookups; the order is kept in chunks of at most
 * 512 members (a flat sorted array would move every member on each insert), found by binary
 * search, so writes stay cheap on large sets and ranges read runs of consecutive members.
 */
export class SortedSet {
  readonly #scores = new Map<string, number>();
  #chunks: Chunk[] = [];

  get length(): number {
    return this.#scores.size;
  }

  score(member: string): number | undefined {
    return this.#scores.get(member);
  }

  /** The first chunk whose last item is not before `test`, with the ranks before it. */
  #chunkFor(isBefore: (score: number, member: string) => boolean): [number, number] {
    const chunks = this.#chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid]!;
      const last = c.members.length - 1;
      if (isBefore(c.scores[last]!, c.members[last]!)) lo = mid + 1;
      else hi = mid;
    }
    let offset = 0;
    for (let i = 0; i < lo; i++) offset += chunks[i]!.members.length;
    return [lo, offset];
  }

  /** The global rank of the first item not before `test` (the items form a sorted sequence). */
  #bound(isBefore: (score: number, member: string) => boolean): number {
    const [index, offset] = this.#chunkFor(isBefore);
    const chunk = this.#chunks[index];
    if (chunk === undefined) return offset;
    let lo = 0;
    let hi = chunk.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isBefore(chunk.scores[mid]!, chunk.members[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return offset + lo;
  }

  /** Chunk and position of the item at `rank` (or just past the end). */
  #locate(rank: number): [number, number] {
    let rest = rank;
    for (let i = 0; i < this.#chunks.length; i++) {
      const size = this.#chunks[i]!.members.length;
      if (rest < size) return [i, rest];
      rest -= size;
    }
    return [this.#chunks.length, 0];
  }

  #insert(score: number, member: string): void {
    const rank = this.#bound((s, m) => before(s, m, score, member));
    let [index, at] = this.#locate(rank);
    if (index === this.#chunks.length) {
      if (index === 0) this.#chunks.push({ members: [], scores: [] });
      else index--;
      at = this.#chunks[index]!.members.length;
    }
    const chunk = this.#chunks[index]!;
    chunk.members.splice(at, 0, member);
    chunk.scores.splice(at, 0, score);
    if (chunk.members.length > MAX_CHUNK) {
      const half = chunk.members.length >> 1;
      const next = { members: chunk.members.splice(half), scores: chunk.scores.splice(half) };
      this.#chunks.splice(index + 1, 0, next);
    }
  }

  #remove(score: number, member: string): void {
    const [index, at] = this.#locate(this.#bound((s, m) => before(s, m, score, member)));
    const chunk = this.#chunks[index]!;
    chunk.members.splice(at, 1);
    chunk.scores.splice(at, 1);
    if (chunk.members.length === 0) this.#chunks.splice(index, 1);
  }

  /** Sets a member's score. Returns whether the member is new. */
  set(member: string, score: number): boolean {
    // -0 and 0 are one score; Redis replies 0 for both.
    const value = score === 0 ? 0 : score;
    const old = this.#scores.get(member);
    if (old === value) return false;
    if (old !== undefined) this.#remove(old, member);
    this.#insert(value, member);
    this.#scores.set(member, value);
    return old === undefined;
  }

  /** Removes a member. Returns whether it was there. */
  delete(member: string): boolean {
    const score = this.#scores.get(member);
    if (score === undefined) return false;
    this.#remove(score, member);
    this.#scores.delete(member);
    return true;
  }

  /** The 0-based rank of a member in ascending order. */
  rank(member: string): number | undefined {
    const score = this.#scores.get(member);
    return score === undefined ? undefined : this.#bound((s, m) => before(s, m, score, member));
  }

  /** The first rank whose score is above `score` (or at least `score` when not exclusive). */
  lowerBound(score: number, exclusive: boolean): number {
    return this.#bound((s) => s < score || (exclusive && s === score));
  }

  /** The rank after the last score below `score` (or at most `score` when not exclusive). */
  upperBound(score: number, exclusive: boolean): number {
    return this.#bound((s) => s < score || (!exclusive && s === score));
  }

  /** The first rank whose member sorts after `member` (or not before it when inclusive). */
  lexBound(member: string, after: boolean): number {
    return this.#bound((_, m) => m < member || (after && m === member));
  }

  /** The `[member, score]` items of the ranks `[start, end)`, in order. */
  slice(start: number, end: number): [string, number][] {
    const out: [string, number][] = [];
    let [index, at] = this.#locate(start);
    for (let n = start; n < end; n++) {
      const chunk = this.#chunks[index];
      if (chunk === undefined) break;
      out.push([chunk.members[at]!, chunk.scores[at]!]);
      if (++at === chunk.members.length) {
        index++;
        at = 0;
      }
    }
    return out;
  }

  /** Removes the ranks `[start, end)`; returns the removed members. */
  removeRange(start: number, end: number): string[] {
    const removed = this.slice(start, end).map(([member]) => member);
    for (const member of removed) this.delete(member);
    return removed;
  }
}

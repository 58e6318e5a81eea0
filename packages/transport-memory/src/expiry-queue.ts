/**
 * A binary min-heap of (expiry time, key), so that the sweeper finds expired keys without
 * walking the whole store. Items are never updated in place: a key whose expiry changes gets a
 * new item, and stale items are recognised (and dropped) when they come out.
 */
export class ExpiryQueue {
  readonly #times: number[] = [];
  readonly #keys: string[] = [];

  get length(): number {
    return this.#times.length;
  }

  /** The earliest expiry time queued, or `Infinity`. */
  peekTime(): number {
    return this.#times[0] ?? Number.POSITIVE_INFINITY;
  }

  push(time: number, key: string): void {
    const times = this.#times;
    const keys = this.#keys;
    let i = times.length;
    times.push(time);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  /** Removes the earliest item; returns its key. */
  pop(): string | undefined {
    const times = this.#times;
    const keys = this.#keys;
    const top = keys[0];
    const lastTime = times.pop();
    const lastKey = keys.pop();
    const n = times.length;
    if (n === 0 || lastTime === undefined || lastKey === undefined) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1]! < times[child]!) child++;
      if (times[child]! >= lastTime) break;
      times[i] = times[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    times[i] = lastTime;
    keys[i] = lastKey;
    return top;
  }

  clear(): void {
    this.#times.length = 0;
    this.#keys.length = 0;
  }
}

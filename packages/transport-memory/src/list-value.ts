/**
 * The elements of a list, head first. An array with free room before the head, so that pushes
 * and pops at both ends are O(1) amortized: `Array#shift`/`unshift` move every element, which
 * made a queue of 100k elements drain in seconds.
 */
export class ListValue {
  #items: (Buffer | undefined)[];
  #head = 0;

  constructor(items: Buffer[] = []) {
    this.#items = items;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The element at a position (0 = head), or undefined out of range. */
  get(index: number): Buffer | undefined {
    return index >= 0 && index < this.length ? this.#items[this.#head + index] : undefined;
  }

  /** Replaces the element at a position known to be in range. */
  set(index: number, element: Buffer): void {
    this.#items[this.#head + index] = element;
  }

  push(element: Buffer): void {
    this.#items.push(element);
  }

  unshift(element: Buffer): void {
    if (this.#head === 0) {
      // Make room for as many elements as there are, so n unshifts cost O(n) in total.
      const room = Math.max(16, this.length);
      this.#items = new Array<Buffer | undefined>(room).fill(undefined).concat(this.#items);
      this.#head = room;
    }
    this.#items[--this.#head] = element;
  }

  shift(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const element = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    // Give the room back once it is most of the array.
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return element;
  }

  pop(): Buffer | undefined {
    return this.length === 0 ? undefined : this.#items.pop();
  }

  /** The elements from `start` to before `end` (positions in range). */
  slice(start: number, end: number): Buffer[] {
    return this.#items.slice(this.#head + start, this.#head + end) as Buffer[];
  }

  /** Removes `count` elements at `start` and inserts `elements` there (O(n)). */
  splice(start: number, count: number, ...elements: Buffer[]): void {
    this.#items.splice(this.#head + start, count, ...elements);
  }

  /** The position of the first element equal to `element`, or -1. */
  indexOf(element: Buffer): number {
    for (let i = 0; i < this.length; i++) if (this.get(i)!.equals(element)) return i;
    return -1;
  }
}

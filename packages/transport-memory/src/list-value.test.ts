import { describe, expect, it } from 'vitest';
import { ListValue } from './list-value.js';

describe('ListValue', () => {
  it('behaves like an array through random pushes, pops and splices at both ends', () => {
    const list = new ListValue();
    const model: Buffer[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let step = 0; step < 20_000; step++) {
      const element = Buffer.from(String(step));
      const r = random();
      if (r < 0.3) {
        list.unshift(element);
        model.unshift(element);
      } else if (r < 0.6) {
        list.push(element);
        model.push(element);
      } else if (r < 0.78) {
        expect(list.shift()).toBe(model.shift());
      } else if (r < 0.96) {
        expect(list.pop()).toBe(model.pop());
      } else if (model.length > 0) {
        const at = Math.floor(random() * model.length);
        list.splice(at, 1, element);
        model.splice(at, 1, element);
      }
      expect(list.length).toBe(model.length);
    }
    expect(list.slice(0, list.length)).toEqual(model);
    const probe = model[Math.floor(model.length / 2)]!;
    expect(list.indexOf(probe)).toBe(model.indexOf(probe));
    expect(list.get(-1)).toBeUndefined();
    expect(list.get(model.length)).toBeUndefined();
  });
});

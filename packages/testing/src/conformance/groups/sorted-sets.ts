import { describe } from 'vitest';
import type { Harness } from '../harness.js';

export function sortedSetGroup(_h: Harness): void {
  describe('sorted-sets', () => {});
}

import { describe } from 'vitest';
import type { Harness } from '../harness.js';

export function listGroup(_h: Harness): void {
  describe('lists', () => {});
}

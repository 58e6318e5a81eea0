import { describe } from 'vitest';
import type { Harness } from '../harness.js';

export function setGroup(_h: Harness): void {
  describe('sets', () => {});
}

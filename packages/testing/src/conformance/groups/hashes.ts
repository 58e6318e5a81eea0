import { describe } from 'vitest';
import type { Harness } from '../harness.js';

export function hashGroup(_h: Harness): void {
  describe('hashes', () => {});
}

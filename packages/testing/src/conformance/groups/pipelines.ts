import { describe } from 'vitest';
import type { Harness } from '../harness.js';

export function pipelineGroup(_h: Harness): void {
  describe('pipelines', () => {});
}

import type { StepTable } from '../methods/types.js';

/** Hash methods of the Cache (also queued by pipelines). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the data-structure work.
export interface HashMethods {}

/** The builders behind {@link HashMethods}. */
export const hashSteps: StepTable<HashMethods> = {};

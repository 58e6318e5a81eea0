import type { StepTable } from '../methods/types.js';

/** SortedSet methods of the Cache (also queued by pipelines). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the data-structure work.
export interface SortedSetMethods {}

/** The builders behind {@link SortedSetMethods}. */
export const sortedSetSteps: StepTable<SortedSetMethods> = {};

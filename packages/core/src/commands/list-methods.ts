import type { StepTable } from '../methods/types.js';

/** List methods of the Cache (also queued by pipelines). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the data-structure work.
export interface ListMethods {}

/** The builders behind {@link ListMethods}. */
export const listSteps: StepTable<ListMethods> = {};

/**
 * Blocking list methods (BLPOP, BRPOP, BLMOVE). Cache only, not pipelines: they run on a
 * dedicated connection so that waiting never stalls other commands.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the data-structure work.
export interface BlockingListMethods {}

/** The builders behind {@link BlockingListMethods}. */
export const blockingListSteps: StepTable<BlockingListMethods> = {};

import type { StepTable } from '../methods/types.js';

/** Set methods of the Cache (also queued by pipelines). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the data-structure work.
export interface SetMethods {}

/** The builders behind {@link SetMethods}. */
export const setSteps: StepTable<SetMethods> = {};

export { describeCacheConformance } from './describe-conformance.js';
export type {
  ConformanceCacheOptions,
  ConformanceCapabilities,
  ConformanceOptions,
  Harness,
} from './harness.js';
export { randomPrefix, until } from './harness.js';
export { withKeySpecCheck } from './key-spec-check.js';
export { withReplicaSync } from './replica-sync.js';

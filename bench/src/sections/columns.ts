import type { Column } from '../report.js';

/** The columns of every latency table (sections 2, 4 and 6 print the same shape). */
export const LATENCY_COLUMNS: Column[] = [
  { key: 'operation', label: 'operation', format: 'text' },
  { key: 'contender', label: 'contender', format: 'text' },
  { key: 'p50', label: 'p50 µs', format: 'us' },
  { key: 'p99', label: 'p99 µs', format: 'us' },
  { key: 'ratioP50', label: 'p50 ratio', format: 'ratio' },
  { key: 'ratioP99', label: 'p99 ratio', format: 'ratio' },
];

import { createMemoryTransport } from '@cachex/transport-memory';
import { describeScriptSuite } from './suite.js';

describeScriptSuite({
  name: 'memory (local implementations)',
  transport: () => createMemoryTransport(),
});

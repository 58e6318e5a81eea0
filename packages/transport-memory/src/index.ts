export type { BlockedCall } from './blocking.js';
export { compileGlob, globMatch } from './commands/glob.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { MemoryStore } from './memory-store.js';
export type { MemoryTransportOptions } from './memory-transport.js';
export { createMemoryTransport, MemoryTransport } from './memory-transport.js';
export { ReplyError } from './reply-error.js';
export type { ScriptContext, ScriptImplementation } from './scripts.js';
export { scriptSha1 } from './scripts.js';

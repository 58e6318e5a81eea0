/**
 * `@cachex/express/session`: a session store for express-session on any cachex cache. A
 * separate entry, so that users of the middlewares alone do not need express-session.
 *
 * @packageDocumentation
 */
export type { SessionStoreOptions } from './store.js';
export { CachexSessionStore, createSessionStore } from './store.js';

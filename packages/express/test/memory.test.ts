import { closeAfterEach, randomPrefix } from '@cachex/testing';
import { createMemoryTransport, MemoryStore } from '@cachex/transport-memory';
import { describeRateLimit } from './rate-limit-behaviour.js';
import { describeResponseCache } from './response-cache-behaviour.js';
import { describeSessionStoreContract } from './session-contract.js';

const closers = closeAfterEach();

/** Two caches on one in-process store share the keys, like two connections to one server. */
function open() {
  const store = new MemoryStore();
  closers.add(async () => store.close());
  const prefix = randomPrefix({ spread: true });
  const make = () => closers.cache(createMemoryTransport({ store }), prefix).cache;
  return { cache: make(), another: make };
}

describeSessionStoreContract('memory', open, closers);
describeResponseCache('memory', open, closers);
describeRateLimit('memory', open, closers);

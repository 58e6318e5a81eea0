import { createCache } from '@cachex/all';
import { closeAfterEach, getTestServers, randomPrefix } from '@cachex/testing';
import { describeShop } from './shop-behaviour.js';

const closers = closeAfterEach();

// A prefix without a hash tag: the keys spread over every primary, and the checkout's keys
// meet in one slot through their own `{shop}` tag.
function open() {
  const cache = createCache({
    backend: 'redis-cluster',
    location: getTestServers().cluster.url,
    keyPrefix: randomPrefix({ spread: true }),
  });
  closers.add(() => cache.close());
  return cache;
}

describeShop('redis-cluster', open, closers);

import { closeAfterEach, getTestServers, randomPrefix } from '@cachex/testing';
import { createSentinelTransport } from '@cachex/transport-sentinel';
import { describeSessionStoreContract } from './session-contract.js';

const closers = closeAfterEach();

// Through Sentinel: sessions live on the primary the sentinels name.
describeSessionStoreContract(
  'sentinel',
  () => {
    const prefix = randomPrefix({ spread: true });
    const { sentinel } = getTestServers();
    const make = () =>
      closers.cache(
        createSentinelTransport({ location: `${sentinel.url}/0`, sentinels: sentinel.sentinels }),
        prefix,
      ).cache;
    return { cache: make(), another: make };
  },
  closers,
);

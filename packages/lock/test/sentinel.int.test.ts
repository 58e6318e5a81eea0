import { closeAfterEach, getTestServers, randomPrefix } from '@cachex/testing';
import { createSentinelTransport } from '@cachex/transport-sentinel';
import { describeLockBehaviour } from './behaviour.js';

const closers = closeAfterEach();

// Through Sentinel: the lock's scripts run on the primary the sentinels name.
describeLockBehaviour('sentinel', () => {
  const prefix = randomPrefix({ spread: true });
  const { sentinel } = getTestServers();
  const open = () =>
    closers.cache(
      createSentinelTransport({ location: `${sentinel.url}/0`, sentinels: sentinel.sentinels }),
      prefix,
    ).cache;
  return { cache: open(), another: open };
});

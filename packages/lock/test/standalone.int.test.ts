import { closeAfterEach, getTestServers, randomPrefix } from '@cachex/testing';
import { createStandaloneTransport } from '@cachex/transport-standalone';
import { describeLockBehaviour } from './behaviour.js';

const closers = closeAfterEach();

describeLockBehaviour('standalone', () => {
  const prefix = randomPrefix({ spread: true });
  const open = () =>
    closers.cache(createStandaloneTransport({ location: getTestServers().standalone.url }), prefix)
      .cache;
  return { cache: open(), another: open };
});

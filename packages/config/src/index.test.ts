import { expect, it } from 'vitest';
import * as config from './index.js';

it('exports exactly the documented runtime API', () => {
  expect(Object.keys(config).sort()).toEqual([
    'ACCEPTED_SCHEMES',
    'BACKENDS',
    'COMPRESSOR_NAMES',
    'DEFAULT_PORT',
    'SERIALIZER_NAMES',
    'describeConfig',
    'formatEndpoint',
    'isResolvedCacheConfig',
    'loadConfig',
    'parseCacheConfig',
    'parseCachesConfig',
    'parseLocation',
    'redactUrl',
    'resolveCacheConfig',
    'resolveCachesConfig',
  ]);
  expect(config.ACCEPTED_SCHEMES).toEqual([
    'redis://',
    'rediss://',
    'valkey://',
    'valkeys://',
    'unix://',
    'redis+unix://',
    'valkey+unix://',
  ]);
});

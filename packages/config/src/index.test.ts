import { expect, it } from 'vitest';
import * as config from './index.js';

it('exports exactly the documented runtime API', () => {
  expect(Object.keys(config).sort()).toEqual([
    'ACCEPTED_SCHEMES',
    'DEFAULT_PORT',
    'formatEndpoint',
    'parseLocation',
    'redactUrl',
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

import type { Backend } from '../cache-config-types.js';
import type { Located } from './collect-options.js';
import type { IssueList } from './issues.js';
import type { LocationInfo } from './location.js';
import { BACKENDS } from './names.js';
import { didYouMean, quoteName } from './suggest.js';

// Django backend class names (last segment, lower case, without `cache`) → backend here.
const DJANGO_BACKENDS: Readonly<Record<string, Backend>> = {
  valkey: 'valkey',
  redis: 'redis',
  valkeysentinel: 'valkey-sentinel',
  redissentinel: 'redis-sentinel',
  valkeycluster: 'valkey-cluster',
  rediscluster: 'redis-cluster',
  locmem: 'memory',
  dummy: 'dummy',
};

/** The backend a Django class path such as `django_cachex.cache.ValkeyCache` stands for. */
function fromDjangoPath(given: string): Backend | undefined {
  const last = given.slice(given.lastIndexOf('.') + 1).toLowerCase();
  if (!last.endsWith('cache')) return undefined;
  return DJANGO_BACKENDS[last.slice(0, -'cache'.length).replace(/[_-]/g, '')];
}

function checkExplicit(given: Located, issues: IssueList): Backend | undefined {
  const { value, path } = given;
  if (typeof value === 'string' && (BACKENDS as readonly string[]).includes(value)) {
    return value as Backend;
  }
  const django = typeof value === 'string' ? fromDjangoPath(value) : undefined;
  if (django !== undefined) {
    issues.add(path, `${quoteName(value)} names a Django backend class: use '${django}'`);
  } else {
    const hint = typeof value === 'string' ? didYouMean(value, BACKENDS) : '';
    issues.add(
      path,
      `${quoteName(value)} is not a backend${hint} (expected one of: ${BACKENDS.join(', ')})`,
    );
  }
  return undefined;
}

/** The backend a location implies when none is given. */
function infer(location: LocationInfo, sentinelsInUrl: boolean): Backend | undefined {
  switch (location.kind) {
    case 'none':
      return 'memory';
    case 'memory':
    case 'dummy':
      return location.kind;
    default: {
      if (location.schemeDriver === undefined) return undefined;
      const family = location.schemeDriver === 'iovalkey' ? 'valkey' : 'redis';
      return sentinelsInUrl ? `${family}-sentinel` : family;
    }
  }
}

/**
 * The backend: the explicit one (checked, with a suggestion for typos and Django class paths),
 * else the one the location implies: `memory://` → memory, `dummy://` → dummy, `valkey*` →
 * valkey, other server URLs → redis, a `?sentinels=` parameter → the sentinel backend of that
 * family, no location → memory. `undefined` when it cannot be known (already reported).
 */
export function resolveBackend(
  given: Located | undefined,
  location: LocationInfo,
  sentinelsInUrl: boolean,
  issues: IssueList,
): Backend | undefined {
  if (given !== undefined) return checkExplicit(given, issues);
  return infer(location, sentinelsInUrl);
}

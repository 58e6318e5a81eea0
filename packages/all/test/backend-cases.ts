import type { Backend, CacheConfig, ResolveOptions } from '@cachex/config';
import { getTestServers } from '@cachex/testing';

/** How a test builds a cache: the arguments of `createCache`, and what it should get. */
export interface BackendCase {
  /** What the case is, for the test name. */
  readonly label: string;
  readonly backend: Backend;
  /** The transport's `name`. */
  readonly transport: 'standalone' | 'sentinel' | 'cluster' | 'memory' | 'dummy';
  /** The driver package the cache's client comes from (server backends). */
  readonly driver?: 'ioredis' | 'iovalkey';
  /** The arguments of `createCache`. */
  args(): [config: CacheConfig | string | undefined, options?: ResolveOptions];
}

function withScheme(url: string, family: 'redis' | 'valkey'): string {
  return url.replace(/^[a-z]+:\/\//, `${family}://`);
}

const TRANSPORT = {
  '': 'standalone',
  '-sentinel': 'sentinel',
  '-cluster': 'cluster',
} as const;

/**
 * Every backend from a config object, and from a URL (with, for what a URL cannot say, the
 * environment: `CACHEX_BACKEND` picks the cluster backends, as in a deployment).
 */
export function backendCases(): BackendCase[] {
  const cases: BackendCase[] = [];
  for (const family of ['valkey', 'redis'] as const) {
    const driver = family === 'valkey' ? 'iovalkey' : 'ioredis';
    for (const kind of ['', '-sentinel', '-cluster'] as const) {
      const backend = `${family}${kind}` as Backend;
      const base = { backend, transport: TRANSPORT[kind], driver } as const;
      cases.push({
        ...base,
        label: `${backend} from a config object`,
        args: () => {
          const servers = getTestServers();
          switch (kind) {
            case '':
              return [{ backend, location: servers.standalone.url }];
            case '-sentinel':
              return [
                {
                  backend,
                  location: `${withScheme(servers.sentinel.url, family)}/0`,
                  sentinels: servers.sentinel.sentinels.map(({ host, port }) => ({ host, port })),
                },
              ];
            case '-cluster':
              return [{ backend, location: servers.cluster.url }];
          }
        },
      });
      cases.push({
        ...base,
        label: `${backend} from a URL`,
        args: () => {
          const servers = getTestServers();
          switch (kind) {
            case '':
              return [withScheme(servers.standalone.url, family)];
            case '-sentinel': {
              const sentinels = servers.sentinel.sentinels.map((s) => `${s.host}:${s.port}`);
              return [
                `${withScheme(servers.sentinel.url, family)}/0?sentinels=${sentinels.join(',')}`,
              ];
            }
            case '-cluster':
              return [
                undefined,
                {
                  env: {
                    [family === 'valkey' ? 'VALKEY_URL' : 'REDIS_URL']: servers.cluster.url,
                    CACHEX_BACKEND: backend,
                  },
                },
              ];
          }
        },
      });
    }
  }
  for (const backend of ['memory', 'dummy'] as const) {
    cases.push({
      backend,
      transport: backend,
      label: `${backend} from a config object`,
      args: () => [{ backend }],
    });
    cases.push({
      backend,
      transport: backend,
      label: `${backend} from a URL`,
      args: () => [`${backend}://`],
    });
  }
  return cases;
}

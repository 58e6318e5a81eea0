import type { Backend } from '../cache-config-types.js';
import { redactUrl } from '../redact.js';
import type { Located } from './collect-options.js';
import { type IssueList, joinPath } from './issues.js';
import type { LocationInfo } from './location.js';
import { isClusterBackend, isSentinelBackend, isServerBackend } from './names.js';

/** What the backend rules look at. */
export interface BackendRuleInput {
  readonly backend: Backend;
  readonly location: LocationInfo;
  readonly options: ReadonlyMap<string, Located>;
  /** The path of the cache (`caches.sessions`), for options that are missing. */
  readonly base: string;
  /** The location carries `?sentinels=`. */
  readonly sentinelsInUrl: boolean;
}

const SENTINEL_ONLY = ['sentinels', 'sentinelUsername', 'sentinelPassword', 'sentinelTls'];
const CLUSTER_ONLY = ['natMap', 'clusterOptions'];
const MEMORY_ONLY = ['maxEntries', 'maxBytes'];

const EXAMPLE_URL: Readonly<Record<string, string>> = {
  valkey: 'valkey://127.0.0.1:6379/0',
  redis: 'redis://127.0.0.1:6379/0',
  'valkey-sentinel': 'valkey://mymaster/0 (the master name)',
  'redis-sentinel': 'redis://mymaster/0 (the master name)',
  'valkey-cluster': 'valkey://10.0.0.1:7000, valkey://10.0.0.2:7000 (startup nodes)',
  'redis-cluster': 'redis://10.0.0.1:7000, redis://10.0.0.2:7000 (startup nodes)',
};

function family(backend: Backend): string {
  return backend.startsWith('valkey') ? 'valkey' : 'redis';
}

function checkLocation({ backend, location, base }: BackendRuleInput, issues: IssueList): void {
  if (!isServerBackend(backend)) {
    if (location.kind === 'server') {
      const what = backend === 'memory' ? 'keeps values in this process' : 'stores nothing';
      const url = redactUrl(location.urls[0] ?? '');
      issues.add(
        location.path,
        `the ${backend} backend ${what} and takes no server URL ("${url}"): remove the location, or use backend 'redis' or 'valkey'`,
      );
    } else if (
      location.kind !== 'none' &&
      location.kind !== 'invalid' &&
      location.kind !== backend
    ) {
      issues.add(
        location.path,
        `${location.kind}:// selects the ${location.kind} backend, but backend is '${backend}'`,
      );
    }
    return;
  }
  if (location.kind === 'none') {
    issues.add(
      joinPath(base, 'location'),
      `is required by the ${backend} backend: give the server URL, e.g. ${EXAMPLE_URL[backend]}`,
    );
  } else if (location.kind === 'memory' || location.kind === 'dummy') {
    issues.add(
      location.path,
      `${location.kind}:// selects the ${location.kind} backend; the ${backend} backend needs a server URL such as ${EXAMPLE_URL[backend]}`,
    );
  }
}

function checkSentinel(input: BackendRuleInput, issues: IssueList): void {
  const { backend, location, options, base, sentinelsInUrl } = input;
  if (isSentinelBackend(backend)) {
    if (!options.has('sentinels') && !sentinelsInUrl) {
      issues.add(
        joinPath(base, 'sentinels'),
        `is required by the ${backend} backend: give at least one sentinel, e.g. sentinels: ['10.0.0.1:26379'], or ?sentinels=host:port in the location`,
      );
    }
    if (location.urls.length > 1) {
      issues.add(
        location.path,
        `a ${backend} location is one URL naming the master (${EXAMPLE_URL[backend]}); the sentinels find the replicas`,
      );
    }
    return;
  }
  for (const name of SENTINEL_ONLY) {
    const given = options.get(name);
    if (given !== undefined) {
      issues.add(
        given.path,
        `applies to sentinel backends only, but backend is '${backend}' (use '${family(backend)}-sentinel')`,
      );
    }
  }
  if (sentinelsInUrl && isServerBackend(backend)) {
    issues.add(
      location.path,
      `?sentinels= needs a sentinel backend, but backend is '${backend}' (use '${family(backend)}-sentinel')`,
    );
  }
}

function checkCluster({ backend, location, options }: BackendRuleInput, issues: IssueList): void {
  if (isClusterBackend(backend)) {
    const db = options.get('db');
    if (db !== undefined && typeof db.value === 'number' && db.value !== 0) {
      issues.add(
        db.path,
        `must be 0 on a cluster (a cluster has database 0 only), got ${db.value}`,
      );
    }
    for (const entry of location.entries) {
      const urlDb = entry.endpoint?.db;
      if (urlDb !== undefined && urlDb !== 0) {
        issues.add(
          entry.path,
          `${entry.label}a cluster has database 0 only, but "${redactUrl(entry.url)}" selects database ${urlDb}`,
        );
      }
    }
    return;
  }
  for (const name of CLUSTER_ONLY) {
    const given = options.get(name);
    if (given !== undefined) {
      issues.add(
        given.path,
        `applies to cluster backends only, but backend is '${backend}' (use '${family(backend)}-cluster')`,
      );
    }
  }
}

function checkMemory({ backend, options }: BackendRuleInput, issues: IssueList): void {
  const near = options.get('nearCache');
  if (near !== undefined && near.value !== false && !isServerBackend(backend)) {
    issues.add(
      near.path,
      `needs a server backend (the ${backend} backend has no server to track invalidations), but backend is '${backend}'`,
    );
  }
  const readFrom = options.get('readFrom');
  if (
    near !== undefined &&
    near.value !== false &&
    readFrom !== undefined &&
    readFrom.value !== 'primary'
  ) {
    issues.add(
      near.path,
      `cannot track reads served by replicas: use readFrom 'primary' with nearCache (readFrom is '${String(readFrom.value)}')`,
    );
  }
  if (backend === 'memory') return;
  for (const name of MEMORY_ONLY) {
    const given = options.get(name);
    if (given !== undefined) {
      issues.add(given.path, `applies to the memory backend only, but backend is '${backend}'`);
    }
  }
}

/**
 * The rules that tie options to the backend: a location for server backends and none (or
 * their own scheme) for memory/dummy; sentinels for sentinel backends and nowhere else;
 * database 0 and the cluster options for clusters only; `maxEntries`/`maxBytes` for memory;
 * `nearCache` for server backends reading from the primary.
 */
export function checkBackendRules(input: BackendRuleInput, issues: IssueList): void {
  checkLocation(input, issues);
  checkSentinel(input, issues);
  checkCluster(input, issues);
  checkMemory(input, issues);
}

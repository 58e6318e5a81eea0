import { type RedisServerHandle, readTail } from './redis-server.js';

/** A plain address, as handed to tests and clients. */
export interface HostPort {
  host: string;
  port: number;
}

/** Running and not paused: a server that should answer. */
export function isLive(server: RedisServerHandle): boolean {
  return server.running && !server.paused;
}

/** The tail of every server's log, labelled, for a start-up or time-out error. */
export function logTails(servers: readonly RedisServerHandle[], lines = 15): string {
  return servers
    .map((server) => {
      const state = server.running ? `pid ${server.pid}` : 'not running';
      const tail = readTail(server.logFile, lines);
      return `--- ${server.name} on ${server.host}:${server.port} (${state}), ${server.logFile}:\n${tail === '' ? '(empty)' : tail}`;
    })
    .join('\n');
}

/** Stops every server (in parallel); the first failure is rethrown after all were tried. */
export async function stopAll(servers: readonly RedisServerHandle[]): Promise<void> {
  const outcomes = await Promise.allSettled(servers.map((server) => server.stop()));
  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failures.length === 1) throw failures[0]?.reason;
  if (failures.length > 1) {
    throw new AggregateError(
      failures.map((f) => f.reason),
      'some servers did not stop cleanly',
    );
  }
}

/** `[k1, v1, k2, v2…]` (a RESP2 map reply, e.g. from SENTINEL replicas) as a record. */
export function pairsToRecord(reply: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (!Array.isArray(reply)) return record;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    record[String(reply[i])] = String(reply[i + 1]);
  }
  return record;
}

/** Milliseconds since `begin` (a `performance.now()` value), rounded. */
export function since(begin: number): number {
  return Math.round(performance.now() - begin);
}

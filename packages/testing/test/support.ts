import { setTimeout as delay } from 'node:timers/promises';
import { afterEach } from 'vitest';

/** True while a process with this PID exists (signal 0 only checks, it sends nothing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A key no other test, worker or run uses: the servers are shared by the whole run. */
export const uniqueKey = (): string =>
  `cachex-testing:${process.pid}:${Math.random().toString(36).slice(2)}`;

/**
 * Registers an `afterEach` hook that disconnects the clients and stops the servers (or
 * topologies) that the test pushed onto the returned lists, so that a failed assertion leaves
 * none running.
 */
export function cleanUpAfterEach<
  Client extends { disconnect(): void },
  Server extends { stop(): Promise<unknown> },
>(): { clients: Client[]; servers: Server[] } {
  const clients: Client[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  return { clients, servers };
}

/** What {@link writeContinuously} measured. */
export interface WriteOutage {
  /** When (`performance.now()`) the first write begun after the kill succeeded; 0 if none did. */
  firstWriteAfterKill: number;
  /** How many writes failed, before or after the kill. */
  failedWrites: number;
}

/**
 * Writes with `write(i)` every 20 ms, as an application would through a failover, to measure
 * the outage its client sees: from `killed()` to the first write begun afterwards that succeeds.
 */
export function writeContinuously(write: (i: number) => Promise<unknown>): {
  /** Marks the kill as happening now and returns its time (`performance.now()`). */
  killed(): number;
  /** Waits up to `timeoutMs` for a write after the kill to succeed, then stops writing. */
  stopAfterRecovery(timeoutMs: number): Promise<WriteOutage>;
} {
  let killedAt = 0;
  let firstWriteAfterKill = 0;
  let failedWrites = 0;
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i += 1) {
      const began = performance.now();
      try {
        await write(i);
        if (killedAt > 0 && began > killedAt && firstWriteAfterKill === 0) {
          firstWriteAfterKill = performance.now();
        }
      } catch {
        failedWrites += 1;
      }
      await delay(20);
    }
  })();
  return {
    killed() {
      killedAt = performance.now();
      return killedAt;
    },
    async stopAfterRecovery(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (firstWriteAfterKill === 0 && Date.now() < deadline) await delay(20);
      writing = false;
      await writer;
      return { firstWriteAfterKill, failedWrites };
    },
  };
}

import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup: when the process exits or is interrupted (Ctrl-C, SIGTERM from CI, a closed
 * terminal) before the normal teardown ran, SIGKILL every server this process started, by PID, and
 * remove their temp dirs, so that no orphan redis-server outlives the test run.
 *
 * Only PIDs of live children are tracked (a PID is dropped as soon as its child's exit event
 * fires), so a PID here can never have been reused by an unrelated process.
 */
interface CleanupState {
  pids: Set<number>;
  dirs: Set<string>;
  installed: boolean;
}

// vitest evaluates this module once per project; one shared state means one set of handlers.
const state: CleanupState = (() => {
  const key = Symbol.for('cachex.testing.exitCleanup');
  const holder = globalThis as { [key]?: CleanupState };
  holder[key] ??= { pids: new Set(), dirs: new Set(), installed: false };
  return holder[key];
})();

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function cleanupNow(): void {
  for (const pid of state.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing to do.
    }
  }
  state.pids.clear();
  for (const dir of state.dirs) {
    try {
      // A server that got the signal too may still be writing its files (a cluster node saves
      // nodes.conf on shutdown): retry briefly on ENOTEMPTY and the like.
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // Best effort: a leftover temp dir is harmless, an exception during exit is not.
    }
  }
  state.dirs.clear();
}

/** How long other signal handlers (vitest flushes its output, then exits) get to finish. */
const reRaiseDelayMs = 250;

function onSignal(signal: NodeJS.Signals): void {
  cleanupNow();
  for (const name of signals) process.removeListener(name, onSignal);
  // Listening for a signal disables Node's default action (exit). vitest's own handlers are
  // `once` listeners that are already removed by now and exit a moment later, so wait briefly;
  // if the process is still alive and nobody handles the signal, re-raise it so the process dies
  // the way it was asked to.
  setTimeout(() => {
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }, reRaiseDelayMs);
}

function install(): void {
  if (state.installed) return;
  state.installed = true;
  process.once('exit', cleanupNow);
  for (const signal of signals) process.once(signal, onSignal);
}

export function trackPid(pid: number): void {
  install();
  state.pids.add(pid);
}

export function untrackPid(pid: number): void {
  state.pids.delete(pid);
}

export function trackDir(dir: string): void {
  install();
  state.dirs.add(dir);
}

export function untrackDir(dir: string): void {
  state.dirs.delete(dir);
}

import type { DriverClient } from './load-driver.js';

/**
 * How long close() waits for a client to report `end` before giving up on it. A driver that
 * never emits `end` (a version that behaves differently) must not make close() hang: a hang is
 * worse than a socket the runtime closes on its own.
 */
const END_WAIT_MS = 5000;

/** Resolves once the client reports `end`: its socket is closed and it will not reconnect. */
function ended(client: DriverClient): Promise<void> {
  if (client.status === 'end') return Promise.resolve();
  return new Promise((resolve) => {
    // Unref'd: this safety net must not itself keep the process alive.
    const timer = setTimeout(resolve, END_WAIT_MS).unref();
    client.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function socketOf(client: DriverClient): { destroyed?: boolean } | undefined {
  return (client as unknown as { stream?: { destroyed?: boolean } }).stream;
}

/**
 * The members of ioredis/iovalkey clients that {@link endStranded} uses. They are not part of
 * the drivers' typed API, so each is checked before use.
 */
interface StrandedInternals {
  reconnectTimeout?: ReturnType<typeof setTimeout> | null;
  flushQueue?: (error: Error) => void;
  setStatus?: (status: string) => void;
}

/**
 * Ends a client whose socket is already closed: it failed to connect, or lost its connection,
 * and waits to retry (`reconnecting`).
 *
 * `disconnect()` is not enough for such a client: it arms a timer (`disconnectTimeout`, 2 s) to
 * destroy the socket should it not close, which only the socket's `close` event clears, and
 * that event has already happened. That timer alone kept the process alive for 2 s after
 * `close()`. Commands waiting in the driver's offline queue were not rejected either: each kept
 * its own command timer and settled only when it fired. So this does what the driver does when
 * a connection it was told to close goes away: stop the retry, reject what is queued, and end.
 *
 * Returns false when the driver lacks those members (another version): the client is then
 * disconnected the public way, and will not report `end`.
 */
function endStranded(client: DriverClient): boolean {
  const internals = client as unknown as StrandedInternals;
  if (typeof internals.flushQueue !== 'function' || typeof internals.setStatus !== 'function') {
    client.disconnect();
    return false;
  }
  if (internals.reconnectTimeout) {
    clearTimeout(internals.reconnectTimeout);
    internals.reconnectTimeout = null;
  }
  internals.flushQueue.call(client, new Error('Connection is closed.'));
  internals.setStatus.call(client, 'end');
  return true;
}

/**
 * Closes a driver client, and resolves once it holds no socket and no timer, so that nothing
 * it opened keeps the process alive.
 *
 * `graceful`: a connected client is sent QUIT, so replies to commands already sent still
 * arrive; otherwise (blocking connections, which may be waiting on the server) the connection
 * is cut at once, and its pending commands reject.
 */
export async function closeClient(client: DriverClient, graceful: boolean): Promise<void> {
  let quitSent = !graceful;
  for (;;) {
    const status = client.status;
    if (status === 'end') return;
    if (status === 'wait') {
      // Never connected: the driver ends it at once.
      client.disconnect();
      return ended(client);
    }
    if (status === 'reconnecting' || status === 'close') {
      if (!endStranded(client)) return;
      return ended(client);
    }
    if ((status === 'connecting' || status === 'connect') && socketOf(client)?.destroyed) {
      // A retry is opening its socket on the next tick; until then the client still holds the
      // old, closed one, and disconnect() would arm the timer described above. Let it open.
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    if (status === 'ready' && !quitSent) {
      quitSent = true;
      try {
        await client.quit();
        return ended(client);
      } catch {
        // The connection failed meanwhile: look at it again.
        continue;
      }
    }
    client.disconnect();
    return ended(client);
  }
}

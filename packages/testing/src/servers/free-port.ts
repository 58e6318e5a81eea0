import { createServer } from 'node:net';

/** The port of a developer's own Redis: never hand it out, whatever the OS offers. */
const reservedPort = 6379;

/**
 * Ports handed out by this process. Between closing the probe socket and the server binding, the
 * OS may offer the same port to a parallel probe; remembering them keeps parallel starts apart.
 * Kept on globalThis so that every copy of this module (vitest loads one per project) shares it.
 */
const handedOut: Set<number> = (() => {
  const key = Symbol.for('cachex.testing.handedOutPorts');
  const holder = globalThis as { [key]?: Set<number> };
  holder[key] ??= new Set<number>();
  return holder[key];
})();

function probe(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolvePort(port)));
    });
  });
}

/**
 * Asks the OS for a free loopback port (listen on port 0, read it, close). The port may be taken
 * again before the caller binds it, so callers retry on EADDRINUSE; this function only promises a
 * port that was free a moment ago, that is not 6379 and that it has not handed out before.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await probe(host);
    if (port > 0 && port !== reservedPort && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`could not find a free port on ${host} after 50 attempts`);
}

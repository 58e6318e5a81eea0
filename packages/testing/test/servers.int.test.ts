import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis, type RedisOptions } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { isReplyError, runAdminCommand } from '../src/servers/admin-client.js';
import { findFreePort } from '../src/servers/free-port.js';
import { getTestServers } from '../src/servers/get-test-servers.js';
import { type RedisServerHandle, startRedisServer } from '../src/servers/redis-server.js';
import {
  cliBinaryNotFoundMessage,
  resolveCliBinary,
  resolveServerBinary,
  serverBinaryEnvVar,
  serverBinaryNotFoundMessage,
} from '../src/servers/server-binary.js';
import { makeTlsCertificates } from '../src/servers/tls-certificates.js';
import { cleanUpAfterEach, isAlive, uniqueKey } from './support.js';

const { clients, servers: handles } = cleanUpAfterEach<Redis, RedisServerHandle>();

/** A client that fails fast instead of retrying forever, so a broken setup fails the test. */
function client(options: RedisOptions): Redis {
  const redis = new Redis({
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
    ...options,
  });
  // Connection errors surface through connect()/commands; this only stops "unhandled error" noise.
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

/**
 * Connects and PINGs, expecting failure; returns every error message seen. ioredis rejects
 * connect() with a generic "Connection is closed." and reports the cause on its 'error' event.
 */
async function connectionFailure(redis: Redis): Promise<string> {
  const messages: string[] = [];
  redis.on('error', (error: Error) => messages.push(error.message));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    messages.push(error instanceof Error ? error.message : String(error));
    return messages.join('\n');
  }
  throw new Error('expected the connection to fail, but PING succeeded');
}

describe('global setup endpoints', () => {
  it('are provided to tests, on loopback, never on 6379', () => {
    const servers = getTestServers();
    const ports = [
      servers.standalone.port,
      servers.replicaSet.primary.port,
      servers.replicaSet.replica.port,
      servers.tls.port,
      servers.acl.port,
      servers.sentinel.primary.port,
      servers.sentinel.replica.port,
      ...servers.sentinel.sentinels.map((s) => s.port),
      ...servers.cluster.nodes.map((n) => n.port),
    ];
    expect(ports).toHaveLength(16);
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).not.toContain(6379);
    expect(servers.standalone.host).toBe('127.0.0.1');
    expect(servers.standalone.url).toBe(`redis://127.0.0.1:${servers.standalone.port}`);
    expect(servers.tls.url).toBe(`rediss://127.0.0.1:${servers.tls.port}`);
    expect(servers.acl.url).toBe(
      `redis://cachex:p%40ss%3A%2F%25%23word@127.0.0.1:${servers.acl.port}`,
    );
  });
});

describe('standalone', () => {
  it('answers PING over TCP', async () => {
    const { standalone } = getTestServers();
    const redis = client({ host: standalone.host, port: standalone.port });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  });

  it('answers over its unix socket, the same server as over TCP', async () => {
    const { standalone } = getTestServers();
    const tcp = client({ host: standalone.host, port: standalone.port });
    const unix = client({ path: standalone.socketPath });
    await Promise.all([tcp.connect(), unix.connect()]);
    const key = uniqueKey();
    await tcp.set(key, 'via-tcp', 'EX', 60);
    expect(await unix.get(key)).toBe('via-tcp');
    await tcp.del(key);
  });
});

describe('replicaSet', () => {
  it('copies a key written to the primary to the replica', async () => {
    const { replicaSet } = getTestServers();
    const primary = client({ host: replicaSet.primary.host, port: replicaSet.primary.port });
    const replica = client({ host: replicaSet.replica.host, port: replicaSet.replica.port });
    await Promise.all([primary.connect(), replica.connect()]);
    expect(await primary.ping()).toBe('PONG');
    expect(await replica.ping()).toBe('PONG');

    const key = uniqueKey();
    await primary.set(key, 'replicated', 'EX', 60);
    await vi.waitFor(
      async () => {
        expect(await replica.get(key)).toBe('replicated');
      },
      { timeout: 5000, interval: 10 },
    );
    await primary.del(key);
  });

  it('has a read-only replica that knows its primary', async () => {
    const { replicaSet } = getTestServers();
    const replica = client({ host: replicaSet.replica.host, port: replicaSet.replica.port });
    await replica.connect();
    const info = await replica.info('replication');
    expect(info).toContain('role:slave');
    expect(info).toContain(`master_port:${replicaSet.primary.port}`);
    expect(info).toContain('master_link_status:up');
    await expect(replica.set(uniqueKey(), 'x')).rejects.toThrow(/READONLY/);
  });
});

describe('tls', () => {
  it('accepts a client that trusts the CA', async () => {
    const { tls } = getTestServers();
    const redis = client({ host: tls.host, port: tls.port, tls: { ca: tls.ca } });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  });

  it('accepts a client certificate signed by the CA', async () => {
    const { tls } = getTestServers();
    const redis = client({
      host: tls.host,
      port: tls.port,
      tls: { ca: tls.ca, cert: tls.cert, key: tls.key },
    });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  });

  it('fails verification without the CA', async () => {
    const { tls } = getTestServers();
    const redis = client({ host: tls.host, port: tls.port, tls: {} });
    expect(await connectionFailure(redis)).toMatch(/self[- ]signed|unable to (get|verify)/i);
  });

  it('works without verification (rejectUnauthorized: false)', async () => {
    const { tls } = getTestServers();
    const redis = client({ host: tls.host, port: tls.port, tls: { rejectUnauthorized: false } });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  });

  it('answers the admin client over TLS with the CA', async () => {
    const { tls } = getTestServers();
    expect(
      await runAdminCommand({ host: tls.host, port: tls.port, tls: { ca: tls.ca } }, 'PING'),
    ).toBe('PONG');
  });

  it('does not speak plain TCP on its port', async () => {
    const { tls } = getTestServers();
    await expect(
      runAdminCommand({ host: tls.host, port: tls.port, timeoutMs: 1000 }, 'PING'),
    ).rejects.toThrow();
  });
});

describe('acl', () => {
  it('rejects commands without credentials', async () => {
    const { acl } = getTestServers();
    // RESP2 so the server's answer is the plain NOAUTH of a command, not HELLO's variant.
    const redis = client({ host: acl.host, port: acl.port, protocol: 2 });
    expect(await connectionFailure(redis)).toMatch(/NOAUTH Authentication required/);
  });

  it('rejects a wrong password', async () => {
    const { acl } = getTestServers();
    const redis = client({
      host: acl.host,
      port: acl.port,
      username: acl.username,
      password: 'nope',
    });
    expect(await connectionFailure(redis)).toMatch(/WRONGPASS/);
  });

  it('accepts the cachex user with its special-character password', async () => {
    const { acl } = getTestServers();
    const redis = client({
      host: acl.host,
      port: acl.port,
      username: acl.username,
      password: acl.password,
    });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.call('ACL', 'WHOAMI')).toBe('cachex');
  });

  it('admin client: authenticates, and reports a wrong password as a reply error', async () => {
    const { acl } = getTestServers();
    const endpoint = { host: acl.host, port: acl.port, username: acl.username };
    expect(await runAdminCommand({ ...endpoint, password: acl.password }, 'ACL', 'WHOAMI')).toBe(
      'cachex',
    );
    const wrong = await runAdminCommand({ ...endpoint, password: 'nope' }, 'PING').catch(
      (error: unknown) => error,
    );
    expect(isReplyError(wrong)).toBe(true);
    expect(String(wrong)).toMatch(/WRONGPASS/);
  });

  it('accepts the percent-encoded URL', async () => {
    const { acl } = getTestServers();
    const redis = new Redis(acl.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    clients.push(redis);
    await redis.connect();
    expect(await redis.call('ACL', 'WHOAMI')).toBe('cachex');
  });
});

describe('startRedisServer', () => {
  it('stop() ends the process by PID and removes its temp dir', async () => {
    const server = await startRedisServer({ name: 'stop-check' });
    handles.push(server); // stop() is idempotent: afterEach only matters if an assertion fails
    const { pid, dir } = server;
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    expect(await server.command('PING')).toBe('PONG');
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(dir)).toBe(false);
    expect(server.running).toBe(false);
  });

  it('kill() and restart() bring the server back on the same port', async () => {
    const server = await startRedisServer({ name: 'restart-check' });
    handles.push(server);
    const { port, pid } = server;
    await server.kill();
    expect(isAlive(pid)).toBe(false);
    const refused = await runAdminCommand({ port, timeoutMs: 500 }, 'PING').catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(isReplyError(refused)).toBe(false);
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await server.command('PING')).toBe('PONG');
  });

  it('pause() stops answers until resume()', async () => {
    const server = await startRedisServer({ name: 'pause-check' });
    handles.push(server);
    server.pause();
    await expect(runAdminCommand({ port: server.port, timeoutMs: 300 }, 'PING')).rejects.toThrow(
      /timed out/,
    );
    server.resume();
    expect(await server.command('PING')).toBe('PONG');
  });

  it('stop() also ends a paused server', async () => {
    const server = await startRedisServer({ name: 'paused-stop' });
    handles.push(server);
    const { pid } = server;
    server.pause();
    await server.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it('throws the tail of the server log when the server cannot start', async () => {
    await expect(
      startRedisServer({ name: 'bad-config', args: ['--maxmemory-policy', 'not-a-policy'] }),
    ).rejects.toThrow(/exited during start-up[\s\S]*maxmemory-policy/);
  });

  it('retries on another port when its port is taken', async () => {
    // Drop its connections at once: the harness's readiness PING may reach it, and an unread
    // connection would keep close() below waiting.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolveListen) => squatter.listen(0, '127.0.0.1', resolveListen));
    const address = squatter.address();
    const takenPort = typeof address === 'object' && address !== null ? address.port : 0;
    const offered: number[] = [];
    try {
      const server = await startRedisServer({
        name: 'port-clash',
        // First offer the squatted port, as a lost race with another process would.
        findPort: async () => {
          const port = offered.length === 0 ? takenPort : await findFreePort();
          offered.push(port);
          return port;
        },
      });
      handles.push(server);
      expect(offered).toHaveLength(2);
      expect(server.port).toBe(offered[1]);
      expect(await server.command('PING')).toBe('PONG');
    } finally {
      await new Promise((resolveClose) => squatter.close(resolveClose));
    }
  });

  it('starts servers in parallel on distinct ports', async () => {
    const [a, b] = await Promise.all([
      startRedisServer({ name: 'parallel-a' }),
      startRedisServer({ name: 'parallel-b' }),
    ]);
    handles.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(await a.command('PING')).toBe('PONG');
    expect(await b.command('PING')).toBe('PONG');
  });

  it('serves ACL users and reports NOAUTH to anonymous clients', async () => {
    const server = await startRedisServer({
      name: 'acl-check',
      users: [{ username: 'reader', password: 'r:@d', rules: ['~*', '+get', '+ping', '+auth'] }],
    });
    handles.push(server);
    const anonymous = await runAdminCommand({ port: server.port }, 'PING').catch(
      (error: unknown) => error,
    );
    expect(isReplyError(anonymous)).toBe(true);
    expect(String(anonymous)).toMatch(/NOAUTH/);
    const denied = await server.command('SET', 'k', 'v').catch((error: unknown) => error);
    expect(isReplyError(denied)).toBe(true);
    expect(String(denied)).toMatch(/NOPERM/);
    expect(await server.command('PING')).toBe('PONG');
    expect(server.url).toBe(`redis://reader:r%3A%40d@127.0.0.1:${server.port}`);
  });
});

describe('findFreePort', () => {
  it('returns distinct bindable ports, never 6379', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => findFreePort()));
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).not.toContain(6379);
    for (const port of ports) expect(port).toBeGreaterThan(0);
    // The last one is still free: bind it to prove the probe socket was closed.
    const port = ports.at(-1) ?? 0;
    await new Promise<void>((resolveListen, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => server.close(() => resolveListen()));
    });
  });
});

describe('makeTlsCertificates', () => {
  it('signs a server certificate for 127.0.0.1 and localhost with the CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cachex-certs-test-'));
    try {
      const certs = await makeTlsCertificates(dir);
      const ca = new X509Certificate(certs.ca);
      const server = new X509Certificate(certs.cert);
      const clientCert = new X509Certificate(certs.clientCert);
      expect(ca.ca).toBe(true);
      expect(server.ca).toBe(false);
      expect(server.verify(ca.publicKey)).toBe(true);
      expect(clientCert.verify(ca.publicKey)).toBe(true);
      expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(server.checkHost('localhost')).toBe('localhost');
      expect(server.checkHost('example.com')).toBeUndefined();
      expect(existsSync(certs.keyFile)).toBe(true);
      expect(certs.key).toMatch(/PRIVATE KEY/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('resolveServerBinary', () => {
  it('fails loudly with install instructions when no binary is on PATH', () => {
    expect(() => resolveServerBinary({ PATH: '/nonexistent-dir' })).toThrow(
      serverBinaryNotFoundMessage,
    );
    expect(serverBinaryNotFoundMessage).toContain('apt-get install -y redis-server');
  });

  it(`honours ${serverBinaryEnvVar}, and rejects a path that is not executable`, () => {
    const real = resolveServerBinary();
    expect(resolveServerBinary({ PATH: '', [serverBinaryEnvVar]: real })).toBe(real);
    expect(() =>
      resolveServerBinary({ PATH: '', [serverBinaryEnvVar]: '/nonexistent/redis-server' }),
    ).toThrow(serverBinaryEnvVar);
  });
});

describe('resolveCliBinary', () => {
  it('finds the CLI next to the server binary, and fails loudly without one', () => {
    const cli = resolveCliBinary(resolveServerBinary(), { PATH: '' });
    expect(cli).toMatch(/(redis|valkey)-cli$/);
    expect(() => resolveCliBinary('/nonexistent-dir/redis-server', { PATH: '' })).toThrow(
      cliBinaryNotFoundMessage,
    );
    expect(cliBinaryNotFoundMessage).toContain('apt-get install -y redis-tools');
  });
});

describe('the ./servers entry', () => {
  it('imports vitest nowhere in its module graph, so a plain Node script can load it', () => {
    const seen = new Set<string>();
    const runtimeImports: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      // Value imports and re-exports only: `import type` / `export type` are erased.
      for (const match of source.matchAll(
        /^(?:import|export)\s+(?!type\b)(?:[^;']*?\bfrom\s+)?'([^']+)'/gm,
      )) {
        const specifier = match[1] ?? '';
        runtimeImports.push(specifier);
        if (specifier.startsWith('.'))
          visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    };
    visit(fileURLToPath(new URL('../src/servers/index.ts', import.meta.url)));
    expect(seen.size).toBeGreaterThan(5);
    expect(runtimeImports).toContain('ioredis');
    expect(runtimeImports.filter((s) => s === 'vitest' || s.startsWith('vitest/'))).toEqual([]);
  });
});

import { MissingDependencyError } from '@cachex/core';
import {
  type DriverClient,
  type DriverName,
  loadDriver,
} from '@cachex/transport-standalone/driver';

/** One argument as the drivers take it. */
type Arg = string | Buffer | number;

/** One reply of a driver pipeline: its error, or null and its value. */
export type ReplyPair = [Error | null, unknown];

/**
 * What both drivers say when a connection is lost or was closed; the transport says it too, for
 * a client that ends while calls wait, so that it is handled (and sent again) the same way.
 */
export const CONNECTION_CLOSED = 'Connection is closed.';

/** A connection to one node, as the driver's cluster client holds it. */
export interface NodeClient extends DriverClient {
  readonly options: { host?: string; port?: number; readOnly?: boolean };
}

/** A queued batch of the cluster client (MULTI blocks through `multi()`). */
export interface ClusterPipeline {
  callBuffer(command: string, ...args: Arg[]): ClusterPipeline;
  multi(): ClusterPipeline;
  exec(): Promise<ReplyPair[] | null> | ClusterPipeline;
}

/**
 * The part of the ioredis/iovalkey `Cluster` API the transport uses (both share it). Declared
 * here so that neither driver is needed at compile time.
 */
export interface ClusterClient {
  readonly status: string;
  /** Node addresses (`host:port`) per slot: the primary first, then its replicas. */
  readonly slots: readonly (readonly string[] | undefined)[];
  nodes(role?: 'all' | 'master' | 'slave'): NodeClient[];
  callBuffer(command: string, ...args: Arg[]): Promise<unknown>;
  pipeline(): ClusterPipeline;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
  /** Calls back once the slot map is known (or the connection attempt failed). */
  delayUntilReady(callback: (error?: Error | null) => void): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** A startup node. */
export interface StartupNode {
  host: string;
  port: number;
}

/** The `Cluster` constructor of a driver. */
export type ClusterConstructor = new (
  startupNodes: StartupNode[],
  options: Record<string, unknown>,
) => ClusterClient;

/**
 * The `Cluster` class of ioredis or iovalkey (loaded on first use), or a
 * `MissingDependencyError` that says what to install.
 */
export function loadCluster(
  driver: DriverName,
  load?: (id: string) => unknown,
): ClusterConstructor {
  const Redis = loadDriver(driver, load) as unknown as { Cluster?: unknown };
  if (typeof Redis.Cluster !== 'function') {
    throw new MissingDependencyError(driver, `The ${driver} Cluster client`, {
      cause: new Error(`${driver} has no Cluster class`),
    });
  }
  return Redis.Cluster as ClusterConstructor;
}

/** `host:port` of a node connection, as the slot map names it. */
export function nodeAddress(node: NodeClient): string {
  return `${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`;
}

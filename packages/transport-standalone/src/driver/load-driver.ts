import { MissingDependencyError } from '@cachex/core';
import { createOptionalLoader } from '@cachex/core/internal';

/** The Redis clients cachex drives; both share ioredis' API. */
export type DriverName = 'ioredis' | 'iovalkey';

/**
 * The part of the ioredis/iovalkey client API the transports use. Declared here so that neither
 * driver is needed at compile time: both are optional peers, loaded on first use.
 */
export interface DriverClient {
  readonly status: string;
  callBuffer(command: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
  pipeline(): DriverPipeline;
  multi(): DriverPipeline;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  subscribe(...channels: string[]): Promise<unknown>;
  duplicate(options?: Record<string, unknown>): DriverClient;
}

/** A queued batch (pipeline or MULTI) of the driver. */
export interface DriverPipeline {
  callBuffer(command: string, ...args: (string | Buffer | number)[]): DriverPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** A driver's client constructor. */
export type DriverConstructor = new (options: Record<string, unknown>) => DriverClient;

// Anchored here: the drivers are optional peers of this package.
const optional = createOptionalLoader(import.meta.url);
const loaded = new Map<DriverName, DriverConstructor>();

/**
 * Loads a driver package on first use (synchronously, so that transports are created without
 * waiting), or throws a `MissingDependencyError` that says what to install. `load` replaces the
 * loader (for tests); results are cached only for the default one.
 */
export function loadDriver(name: DriverName, load?: (id: string) => unknown): DriverConstructor {
  const cached = load === undefined ? loaded.get(name) : undefined;
  if (cached) return cached;
  let mod: unknown;
  if (load === undefined) {
    mod = optional.load(name, `The ${name} driver`);
  } else {
    try {
      mod = load(name);
    } catch (error) {
      throw new MissingDependencyError(name, `The ${name} driver`, { cause: error });
    }
  }
  const ctor = ((mod as { default?: unknown }).default ?? mod) as DriverConstructor;
  if (load === undefined) loaded.set(name, ctor);
  return ctor;
}

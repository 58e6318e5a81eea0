import { createRequire } from 'node:module';
import { MissingDependencyError } from '@cachex/core';

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
  duplicate(options?: Record<string, unknown>): DriverClient;
}

/** A queued batch (pipeline or MULTI) of the driver. */
export interface DriverPipeline {
  callBuffer(command: string, ...args: (string | Buffer | number)[]): DriverPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** A driver's client constructor. */
export type DriverConstructor = new (options: Record<string, unknown>) => DriverClient;

const requireFromHere = createRequire(import.meta.url);
const loaded = new Map<DriverName, DriverConstructor>();

/**
 * Loads a driver package on first use. `require` is used (both drivers are CommonJS) so that
 * transports can be created synchronously.
 */
export function loadDriver(
  name: DriverName,
  load: (id: string) => unknown = requireFromHere,
): DriverConstructor {
  const useCache = load === requireFromHere;
  const cached = useCache ? loaded.get(name) : undefined;
  if (cached) return cached;
  let mod: unknown;
  try {
    mod = load(name);
  } catch (error) {
    throw new MissingDependencyError(name, `The ${name} driver`, { cause: error });
  }
  const ctor = ((mod as { default?: unknown }).default ?? mod) as DriverConstructor;
  if (useCache) loaded.set(name, ctor);
  return ctor;
}

/**
 * The error hierarchy. Every error cachex throws derives from {@link CachexError} and carries a
 * stable `code` to branch on (never the message text), the original `cause`, and context such
 * as the key. Messages never contain passwords.
 */

const BRAND = Symbol.for('cachex.error');

/** Stable error codes. They never change meaning between releases. */
export const errorCodes = {
  config: 'E_CONFIG',
  invalidKey: 'E_INVALID_KEY',
  invalidArgument: 'E_INVALID_ARGUMENT',
  encode: 'E_ENCODE',
  decode: 'E_DECODE',
  connection: 'E_CONNECTION',
  timeout: 'E_TIMEOUT',
  command: 'E_COMMAND',
  wrongType: 'E_WRONGTYPE',
  crossSlot: 'E_CROSSSLOT',
  notInteger: 'E_NOT_INTEGER',
  keyNotFound: 'E_KEY_NOT_FOUND',
  notSupported: 'E_NOT_SUPPORTED',
  missingDependency: 'E_MISSING_DEPENDENCY',
  closed: 'E_CLOSED',
  factoryCycle: 'E_FACTORY_CYCLE',
  noScript: 'E_NO_SCRIPT',
} as const;

/** One of the values of {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

/**
 * A code of core ({@link ErrorCode}) or of an extension package (`E_LOCK_NOT_OWNED`…): every
 * code starts with `E_`, and none changes meaning between releases.
 */
export type AnyErrorCode = ErrorCode | `E_${string}`;

/** Extra facts attached to an error; never secrets. */
export interface ErrorContext {
  /** The user key (as given to the cache), when the error concerns one key. */
  key?: string;
  /** The Redis command involved, upper-case (`GET`, `RENAME`, …). */
  command?: string;
  /** Any further detail that helps debugging (option name, package name, …). */
  [detail: string]: unknown;
}

/** Options accepted by every cachex error constructor. */
export interface CachexErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
}

/**
 * Base class of every cachex error.
 *
 * `instanceof CachexError` works as long as one copy of `@cachex/core` is installed (it is a peer
 * dependency of every other package); {@link isCachexError} works across copies too.
 *
 * @example
 * ```ts
 * try { await cache.incr('name') } catch (err) {
 *   if (isCachexError(err) && err.code === 'E_NOT_INTEGER') { ... }
 * }
 * ```
 */
export class CachexError extends Error {
  /** Stable, documented code: branch on this, not on the message. */
  readonly code: AnyErrorCode;
  /** What the error concerns (key, command, option name…). */
  readonly context: ErrorContext;

  constructor(code: AnyErrorCode, message: string, options: CachexErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = options.context ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** The key this error concerns, if any. */
  get key(): string | undefined {
    return this.context.key;
  }
}

/** True for any cachex error, even one thrown by another copy of `@cachex/core`. */
export function isCachexError(value: unknown): value is CachexError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * A copy of `error` with `context` added (and optionally another message). Errors are values:
 * once thrown or handed out, one may be seen by several callers (a failed batch fails every
 * slot), so nothing writes into it afterwards; whoever knows more makes a copy.
 */
export function withErrorContext<E extends CachexError>(
  error: E,
  context: ErrorContext,
  message?: string,
): E {
  const copy = Object.create(Object.getPrototypeOf(error)) as E;
  for (const name of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name);
    if (descriptor) Object.defineProperty(copy, name, descriptor);
  }
  Object.defineProperty(copy, 'context', {
    value: { ...error.context, ...context },
    enumerable: true,
    writable: false,
    configurable: true,
  });
  if (message !== undefined) {
    Object.defineProperty(copy, 'message', {
      value: message,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** An option or URL is invalid. The message names the field and never contains a password. */
export class ConfigError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.config, message, options);
  }
}

/** A key is not acceptable (see the key rules in the core README). */
export class InvalidKeyError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.invalidKey, message, options);
  }
}

/** A method argument is invalid (e.g. `nx` and `xx` together, a non-integer delta). */
export class InvalidArgumentError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.invalidArgument, message, options);
  }
}

/** A value could not be serialized or compressed. Nothing was written. */
export class EncodeError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.encode, message, options);
  }
}

/** Stored bytes could not be decoded by any configured codec. Carries the key. */
export class DecodeError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.decode, message, options);
  }
}

/** The server could not be reached, or the connection broke. */
export class ConnectionError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.connection, message, options);
  }
}

/** A command or connection attempt exceeded its timeout. */
export class TimeoutError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.timeout, message, options);
  }
}

/** The server answered a command with an error reply. */
export class CommandError extends CachexError {
  constructor(
    message: string,
    options?: CachexErrorOptions,
    code: AnyErrorCode = errorCodes.command,
  ) {
    super(code, message, options);
  }
}

/** The key holds another data type than the command needs (server reply WRONGTYPE). */
export class WrongTypeError extends CommandError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(message, options, errorCodes.wrongType);
  }
}

/** Keys of one atomic operation live in different cluster hash slots. */
export class CrossSlotError extends CommandError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(message, options, errorCodes.crossSlot);
  }
}

/** `incr`/`decr` (or a hash increment) hit a value that is not an integer. */
export class NotIntegerError extends CommandError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(message, options, errorCodes.notInteger);
  }
}

/** The operation needs an existing key (e.g. `incrVersion`) and there is none. */
export class KeyNotFoundError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.keyNotFound, message, options);
  }
}

/** The transport (or its configuration) cannot do this operation. */
export class NotSupportedError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.notSupported, message, options);
  }
}

/** An optional peer package is needed and not installed; the message says what to install. */
export class MissingDependencyError extends CachexError {
  constructor(packageName: string, feature: string, options?: CachexErrorOptions) {
    super(
      errorCodes.missingDependency,
      `${feature} needs the optional package "${packageName}": install it with \`npm install ${packageName}\` (or \`pnpm add ${packageName}\`, \`yarn add ${packageName}\`).`,
      { ...options, context: { package: packageName, ...options?.context } },
    );
  }
}

/** The cache or transport was closed and cannot run commands any more. */
export class ClosedError extends CachexError {
  constructor(message = 'The cache has been closed', options?: CachexErrorOptions) {
    super(errorCodes.closed, message, options);
  }
}

/**
 * A `getOrSet` factory waits, directly or through other `getOrSet` calls, for its own result
 * (`a` → `a`, or `a` → `b` → `a`): it could never finish, so the inner call fails instead.
 * `context.chain` lists the keys of the cycle.
 */
export class FactoryCycleError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.factoryCycle, message, options);
  }
}

/**
 * A script could not be run by its SHA1: the server answered NOSCRIPT even after the script was
 * loaded on it (SCRIPT LOAD refused, or the cache flushed again in between).
 */
export class NoScriptError extends CommandError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(message, options, errorCodes.noScript);
  }
}

/**
 * The error hierarchy. Every error cachex throws derives from {@link CachexError} and carries a
 * stable `code` to branch on (never the message text), the original `cause`, and context such
 * as the key. Messages never contain passwords.
 */

const BRAND = Symbol.for('cachex.error');

/** The name of the root class, where a lineage ends. */
const ROOT = 'CachexError';

/**
 * The class names from `proto`'s class up to `CachexError` (`['WrongTypeError', 'CommandError',
 * 'CachexError']`), or undefined when the chain does not reach a `CachexError`.
 */
function lineageOfPrototype(proto: unknown): string[] | undefined {
  const names: string[] = [];
  for (let p = proto; typeof p === 'object' && p !== null; p = Object.getPrototypeOf(p)) {
    const ctor = Object.getOwnPropertyDescriptor(p, 'constructor')?.value as unknown;
    if (typeof ctor !== 'function') continue;
    names.push(ctor.name);
    if (ctor.name === ROOT) return names;
  }
  return undefined;
}

/** The same for a class: its name, its parent's, … up to `CachexError`. */
function lineageOfClass(cls: unknown): string[] | undefined {
  const names: string[] = [];
  for (let c = cls; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    names.push(c.name);
    if (c.name === ROOT) return names;
  }
  return undefined;
}

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

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
  factory: 'E_FACTORY',
  factoryTimeout: 'E_FACTORY_TIMEOUT',
  noScript: 'E_NO_SCRIPT',
  noPermission: 'E_NO_PERMISSION',
  circuitOpen: 'E_CIRCUIT_OPEN',
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
 * `instanceof` works for an error made by another copy of these classes too: the CommonJS and
 * the ES module builds of `@cachex/core` loaded in one process (a CommonJS program that
 * `import()`s an ES module dependency), or two installed copies. Such an error is an instance of
 * the classes of the same names, and only of those: a `ConnectionError` of one copy is an
 * instance of the other's `ConnectionError` and `CachexError`, never of its `TimeoutError`.
 * {@link isCachexError} (optionally with a code) works across copies as well, and is the surer
 * test where class names may be rewritten (a minifier).
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

  /**
   * `error instanceof SomeCachexErrorClass`: true for an instance of the class, as usual, and
   * for a cachex error made by another copy of `@cachex/core` (the other module format, another
   * install) whose class lineage ends with this class's (same names, up to `CachexError`).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class right of `instanceof` (subclasses inherit this method), not CachexError.
    // biome-ignore lint/complexity/noThisInStatic: see above
    if (ordinaryHasInstance.call(this, value)) return true;
    if (!isCachexError(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: see above
    const wanted = lineageOfClass(this);
    const actual = lineageOfPrototype(Object.getPrototypeOf(value));
    if (wanted === undefined || actual === undefined || actual.length < wanted.length) {
      return false;
    }
    const offset = actual.length - wanted.length;
    return wanted.every((name, i) => actual[offset + i] === name);
  }

  /** The key this error concerns, if any. */
  get key(): string | undefined {
    return this.context.key;
  }
}

/**
 * True for any cachex error, even one thrown by another copy of `@cachex/core` (the other module
 * format, another install); with `code`, only for one with that code.
 *
 * @example
 * ```ts
 * if (isCachexError(err, 'E_CONNECTION')) console.warn(err.context.endpoint);
 * const failures = results.filter(isCachexError); // as a callback too
 * ```
 */
export function isCachexError<C extends AnyErrorCode>(
  value: unknown,
  code: C,
): value is CachexError & { readonly code: C };
export function isCachexError(value: unknown): value is CachexError;
export function isCachexError(value: unknown, code?: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    // Only a string is a code: as a callback (`filter`, `some`), the second argument is an index.
    (typeof code !== 'string' || (value as { code?: unknown }).code === code)
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

/**
 * The cache's circuit breaker is open (the `circuitBreaker` option): after repeated connection
 * or timeout failures, calls fail at once, without being sent, until a probe call succeeds.
 * `cause` is the failure that opened it. `ignoreExceptions` swallows it like a connection
 * failure.
 */
export class CircuitOpenError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.circuitOpen, message, options);
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
 * A `getOrSet` factory threw (or rejected) and no stale value was there to serve instead.
 * `cause` is what the factory threw; `context.key` the user key.
 */
export class FactoryError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.factory, message, options);
  }
}

/**
 * A `getOrSet` factory ran past its hard timeout (`factoryTimeout.hard`) and no stale value was
 * there to serve instead. The factory is not stopped: when it finishes, its value is stored.
 * `context.key` is the user key, `context.timeoutMs` the limit.
 */
export class FactoryTimeoutError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(errorCodes.factoryTimeout, message, options);
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

/**
 * The server's ACL refused the command (reply `NOPERM`): the user may not run this command, or
 * may not touch one of its keys or channels (e.g. `flushDb` as a user limited to `~myapp:*`).
 * Retrying will not help; the user's ACL rules must change. See docs/security.md for the rules
 * a cache needs.
 */
export class NoPermissionError extends CommandError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(message, options, errorCodes.noPermission);
  }
}

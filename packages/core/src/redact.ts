/**
 * Credentials out of errors. A driver's reply error keeps the command it answered as
 * `command: { name, args }`; for the handshake that is `AUTH user password` or
 * `HELLO 3 AUTH user password`, so printing the error (`console.error`, `util.inspect`, a
 * logger) would print the password. {@link redactCredentials} returns a copy without them.
 */

/** What replaces a secret argument. */
const REDACTED = '[redacted]';

// Properties through which errors nest: `cause` (standard), `errors` (AggregateError),
// `previousErrors` (EXECABORT) and `lastNodeError` (cluster) in ioredis and iovalkey.
const LINKS = ['cause', 'errors', 'previousErrors', 'lastNodeError'] as const;

function text(arg: unknown): string {
  return Buffer.isBuffer(arg) ? arg.toString('latin1') : String(arg);
}

/** Replaces the arguments at the given indexes; undefined when there are none. */
function hide(args: readonly unknown[], indexes: readonly number[]): unknown[] | undefined {
  const present = indexes.filter((i) => i >= 0 && i < args.length);
  if (present.length === 0) return undefined;
  const copy = [...args];
  for (const i of present) copy[i] = REDACTED;
  return copy;
}

/** Indexes of the arguments right after each `token` (case-insensitive) + `offset`. */
function after(args: readonly unknown[], token: string, offset: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < args.length; i++) {
    if (text(args[i]).toUpperCase() === token) found.push(i + offset);
  }
  return found;
}

/**
 * The arguments of a command with its credentials replaced by {@link REDACTED}, or undefined
 * when the command carries none. User names are kept: they help debugging and are not secret.
 */
function redactCommandArgs(name: string, args: readonly unknown[]): unknown[] | undefined {
  switch (name.toUpperCase()) {
    case 'AUTH': // AUTH [username] password
      return hide(args, [args.length - 1]);
    case 'HELLO': // HELLO protover [AUTH username password] [SETNAME name]
      return hide(args, after(args, 'AUTH', 2));
    case 'MIGRATE': // … [AUTH password | AUTH2 username password] …
      return hide(args, [...after(args, 'AUTH', 1), ...after(args, 'AUTH2', 2)]);
    case 'ACL': {
      // ACL SETUSER name rule…: password rules are >pw, <pw, #hash, !hash.
      if (text(args[0]).toUpperCase() !== 'SETUSER') return undefined;
      const rules: number[] = [];
      for (let i = 2; i < args.length; i++) if (/^[<>#!]/.test(text(args[i]))) rules.push(i);
      return hide(args, rules);
    }
    case 'CONFIG': {
      // CONFIG SET requirepass pw masterauth pw …
      if (text(args[0]).toUpperCase() !== 'SET') return undefined;
      const values: number[] = [];
      for (let i = 1; i + 1 < args.length; i += 2) {
        if (/pass|auth/i.test(text(args[i]))) values.push(i + 1);
      }
      return hide(args, values);
    }
    default:
      return undefined;
  }
}

interface CommandLike {
  name: string;
  args: readonly unknown[];
}

function isCommand(value: unknown): value is CommandLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    Array.isArray((value as { args?: unknown }).args)
  );
}

function own(value: object, key: PropertyKey): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

function containsCredentials(value: unknown, visited: Set<object>): boolean {
  if (typeof value !== 'object' || value === null || visited.has(value)) return false;
  visited.add(value);
  if (Array.isArray(value)) return value.some((v) => containsCredentials(v, visited));
  if (!(value instanceof Error)) return false;
  const command = own(value, 'command');
  if (isCommand(command) && redactCommandArgs(command.name, command.args) !== undefined) {
    return true;
  }
  return LINKS.some((key) => containsCredentials(own(value, key), visited));
}

function copyRedacted(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (!containsCredentials(value, new Set())) {
    copies.set(value, value);
    return value;
  }
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    copies.set(value, array);
    for (const item of value) array.push(copyRedacted(item, copies));
    return array;
  }
  // An Error: same prototype (instanceof keeps working), same own properties, except the
  // command's arguments and the nested errors, which are redacted copies in turn.
  const copy = Object.create(Object.getPrototypeOf(value)) as object;
  copies.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (key === 'stack' && !('value' in descriptor)) {
      // An accessor may depend on the original object: keep the text it gives.
      Object.defineProperty(copy, key, {
        value: (value as Error).stack,
        writable: true,
        enumerable: descriptor.enumerable ?? false,
        configurable: true,
      });
      continue;
    }
    if ('value' in descriptor) {
      if (key === 'command' && isCommand(descriptor.value)) {
        const args = redactCommandArgs(descriptor.value.name, descriptor.value.args);
        if (args !== undefined) descriptor.value = { ...descriptor.value, args };
      } else if ((LINKS as readonly PropertyKey[]).includes(key)) {
        descriptor.value = copyRedacted(descriptor.value, copies);
      }
    }
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}

/**
 * `value` without credentials: an error whose command (or any nested error's, through `cause`,
 * `errors`, `previousErrors`, `lastNodeError`) carries a password comes back as a copy with
 * those arguments replaced by {@link REDACTED}; anything else comes back as it is. The original
 * is never modified (errors are values: others may hold it).
 *
 * @example
 * ```ts
 * client.on('error', (error) => log.warn(redactCredentials(error)));
 * ```
 */
export function redactCredentials<T>(value: T): T {
  return copyRedacted(value, new Map()) as T;
}

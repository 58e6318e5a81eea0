/**
 * An error reply, shaped like the ones ioredis and iovalkey produce (`name === 'ReplyError'`,
 * the exact Redis text as message), so that core's `toCachexError` classifies memory errors
 * exactly like server errors: WRONGTYPE → `WrongTypeError`, "not an integer" → `NotIntegerError`…
 */
export class ReplyError extends Error {
  override get name(): string {
    return 'ReplyError';
  }
}

// The texts Redis 7 sends, checked against redis-server 7.0. Callers branch on the error classes
// core derives from them, never on these strings; they only have to match the server's.
export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const SYNTAX = 'ERR syntax error';
export const NO_SUCH_KEY = 'ERR no such key';
export const INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const MIN_MAX_NOT_FLOAT = 'ERR min or max is not a float';
export const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';

/** Throws an error reply with the given Redis text. */
export function fail(message: string): never {
  throw new ReplyError(message);
}

/** The arity error of a command, named in lower case like Redis does. */
export function wrongArity(name: string): ReplyError {
  return new ReplyError(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
}

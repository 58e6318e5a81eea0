import type { RedisArg } from '@cachex/core';
import { fail, NOT_INTEGER, SYNTAX } from '../reply-error.js';

// Arguments arrive as strings, Buffers or numbers, like they would go to ioredis. Keys are kept
// as JS strings; values as Buffers; members and fields (which may be binary: they are encoded
// values) as latin1 strings, which map each byte to one UTF-16 unit, so that they are
// binary-safe Map/Set keys and compare byte-wise like Redis' memcmp.

// Printable ASCII is the same in every encoding, so such text skips the conversions below.
const PLAIN = /^[ -~]*$/;

/** The latin1 form of text's UTF-8 bytes (the text itself when it is printable ASCII). */
export function byteString(text: string): string {
  return PLAIN.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** A key as a string. */
export function keyOf(arg: RedisArg): string {
  return typeof arg === 'string' ? arg : arg.toString();
}

/** The text of an argument (options, numbers). */
export function textOf(arg: RedisArg): string {
  return typeof arg === 'string' ? arg : arg.toString();
}

/** An upper-cased option name. */
export function optionOf(arg: RedisArg): string {
  return textOf(arg).toUpperCase();
}

/** The bytes of a value, always a fresh copy so that callers cannot change stored bytes. */
export function bytesOf(arg: RedisArg): Buffer {
  if (Buffer.isBuffer(arg)) return Buffer.from(arg);
  return Buffer.from(typeof arg === 'string' ? arg : String(arg), 'utf8');
}

/** A member or field: its bytes as a latin1 string. */
export function memberOf(arg: RedisArg): string {
  if (Buffer.isBuffer(arg)) return arg.toString('latin1');
  return byteString(typeof arg === 'string' ? arg : String(arg));
}

/** The bytes of a member or field, for a reply. */
export function memberBytes(member: string): Buffer {
  return Buffer.from(member, 'latin1');
}

/** The number of bytes a key takes (UTF-8). */
export function keyBytes(key: string): number {
  return PLAIN.test(key) ? key.length : Buffer.byteLength(key, 'utf8');
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * Parses a signed 64-bit integer the way Redis' `string2ll` does: no sign but `-`, no leading
 * zeros, no spaces, no `-0`. Returns undefined when the text is not one.
 */
export function parseInt64Text(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 20 || !INTEGER_TEXT.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** Whether a bigint fits in a signed 64-bit integer. */
export function fitsInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** A 64-bit integer argument, or the given error reply. */
export function int64Of(arg: RedisArg, error = NOT_INTEGER): bigint {
  const value = parseInt64Text(typeof arg === 'number' ? String(arg) : textOf(arg));
  return value ?? fail(error);
}

/** An integer argument as a number (ranks, counts, offsets), or the given error reply. */
export function integerOf(arg: RedisArg, error = NOT_INTEGER): number {
  if (typeof arg === 'number' && Number.isSafeInteger(arg)) return arg;
  return Number(int64Of(arg, error));
}

/** Redis answers integers as numbers; bigints beyond 2^53 lose precision, as with ioredis. */
export function integerReply(value: bigint): number {
  return Number(value);
}

/** The status reply `OK`, as ioredis' `callBuffer` hands it over. */
export function ok(): Buffer {
  return Buffer.from('OK');
}

/** A status reply such as `PONG` or a type name. */
export function status(text: string): Buffer {
  return Buffer.from(text);
}

/** Fails with a syntax error unless the condition holds. */
export function syntax(condition: boolean): void {
  if (!condition) fail(SYNTAX);
}

const INT64_MAX_NUMBER = 9223372036854775807n;

/**
 * An expiry argument turned into an absolute time in ms, with Redis' checks: not an integer →
 * NOT_INTEGER; `positive` (SET, SETEX) refuses 0 and below; overflows of the unit conversion
 * or of adding `base` (now, or 0 for absolute times) are "invalid expire time in '<cmd>'".
 */
export function expireTimeOf(
  arg: RedisArg,
  unit: 's' | 'ms',
  base: number,
  command: string,
  positive: boolean,
): number {
  let when = int64Of(arg);
  const invalid = `ERR invalid expire time in '${command.toLowerCase()}' command`;
  if (positive && when <= 0n) fail(invalid);
  if (unit === 's') {
    if (when > INT64_MAX_NUMBER / 1000n || when < -INT64_MAX_NUMBER / 1000n) fail(invalid);
    when *= 1000n;
  }
  if (when > INT64_MAX_NUMBER - BigInt(Math.floor(base))) fail(invalid);
  return Number(when) + base;
}

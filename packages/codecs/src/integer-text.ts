/**
 * Exact integers travel as decimal text, like Django writes them, so that `INCR`/`INCRBY` work on
 * values set through the cache and both sides read each other's integers.
 */

/**
 * Longest integer text accepted on read, in digits. Python refuses to parse longer integer text
 * by default (`sys.get_int_max_str_digits()` is 4300), so no Django writer produces more, and the
 * bound keeps a huge digit string from costing a huge BigInt parse.
 */
export const MAX_DIGITS = 4300;

/** 15 decimal digits always fit in a safe integer (2^53 has 16), so these parse without BigInt. */
const MAX_FAST_DIGITS = 15;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** The decimal text stored for an exact integer. */
export function integerToText(value: number | bigint): string {
  return String(value);
}

/** Returned by {@link parseIntegerText} for integer text longer than Python accepts. */
export const TOO_MANY_DIGITS: unique symbol = Symbol('cachex.codecs.tooManyDigits');

/** Why {@link TOO_MANY_DIGITS} text is not read, for the DecodeError. */
export const TOO_MANY_DIGITS_REASON = `integer text longer than ${MAX_DIGITS} digits (Python refuses it too, and it is too long for a number)`;

/**
 * Reads stored data that is ASCII decimal integer text (`^-?\d+$`): a number when it is a safe
 * integer, else a bigint, and {@link TOO_MANY_DIGITS} beyond 4300 digits (no JavaScript number
 * holds it, and Python refuses to read it; JSON would silently make it `Infinity`). Returns
 * `undefined` for anything else, which then goes through the compressors and serializers. Works on
 * the bytes directly: no string is built for the common short case.
 */
export function parseIntegerText(
  data: Buffer | string,
): number | bigint | typeof TOO_MANY_DIGITS | undefined {
  const length = data.length;
  if (length === 0) return undefined;
  const isString = typeof data === 'string';
  const negative = (isString ? data.charCodeAt(0) : data[0]) === MINUS;
  const start = negative ? 1 : 0;
  const digits = length - start;
  if (digits === 0) return undefined;
  let value = 0;
  for (let i = start; i < length; i++) {
    const code = isString ? data.charCodeAt(i) : (data[i] as number);
    if (code < ZERO || code > NINE) return undefined;
    value = value * 10 + (code - ZERO);
  }
  if (digits <= MAX_FAST_DIGITS) return negative && value !== 0 ? -value : value;
  if (digits > MAX_DIGITS) return TOO_MANY_DIGITS;
  const big = BigInt(isString ? data : data.toString('latin1'));
  return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
}

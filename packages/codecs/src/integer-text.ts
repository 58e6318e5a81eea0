/**
 * Exact integers travel as decimal text, like Django writes them, so that `INCR`/`INCRBY` work on
 * values set through the cache and both sides read each other's integers.
 */

/**
 * Longest integer text accepted on read, in digits. Python refuses to parse longer integer text
 * by default (`sys.get_int_max_str_digits()` is 4300), so no Django writer produces more, and the
 * bound keeps a huge digit string from costing a huge BigInt parse.
 */
const MAX_DIGITS = 4300;

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

/**
 * Reads stored data that is ASCII decimal integer text (`^-?\d+$`, at most 4300 digits): a number
 * when it is a safe integer, else a bigint. Returns `undefined` for anything else, which then goes
 * through the compressors and serializers. Works on the bytes directly: no string is built for
 * the common short case.
 */
export function parseIntegerText(data: Buffer | string): number | bigint | undefined {
  const length = data.length;
  if (length === 0 || length > MAX_DIGITS + 1) return undefined;
  const isString = typeof data === 'string';
  const negative = (isString ? data.charCodeAt(0) : data[0]) === MINUS;
  const start = negative ? 1 : 0;
  const digits = length - start;
  if (digits === 0 || digits > MAX_DIGITS) return undefined;
  let value = 0;
  for (let i = start; i < length; i++) {
    const code = isString ? data.charCodeAt(i) : (data[i] as number);
    if (code < ZERO || code > NINE) return undefined;
    value = value * 10 + (code - ZERO);
  }
  if (digits <= MAX_FAST_DIGITS) return negative && value !== 0 ? -value : value;
  const big = BigInt(isString ? data : data.toString('latin1'));
  return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
}

import type { RedisArg } from '@cachex/core';
import { fail, NOT_FLOAT } from '../reply-error.js';
import { textOf } from './args.js';

// Floating point text the way redis-server 7.0 reads and writes it: strtod syntax for input,
// `%.17g` for sorted-set scores, and 80-bit long doubles printed with `%.17Lf` (trailing zeros
// removed) for INCRBYFLOAT/HINCRBYFLOAT. Matching these byte for byte keeps replies identical
// to a real server's, which the conformance suite compares.

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const NONZERO_DIGIT = /[1-9]/;

/**
 * strtod over the whole text: a number, or undefined (also for NaN). Overflow and underflow
 * are reported as undefined when `strict` (Redis' `string2d`), else give ±inf/0 (`strtod`).
 */
function strtod(text: string, strict: boolean): number | undefined {
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  const hex = HEX.exec(text);
  if (hex) return (hex[1] === '-' ? -1 : 1) * Number.parseInt(hex[2]!, 16);
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  if (strict) {
    if (!Number.isFinite(value)) return undefined;
    const mantissa = text.split(/[eE]/)[0]!;
    if (value === 0 && NONZERO_DIGIT.test(mantissa)) return undefined;
  }
  return value;
}

/** A float argument (scores, increments): `-inf`, `+inf`, `1.5e3`…; else the error reply. */
export function doubleOf(arg: RedisArg, error = NOT_FLOAT): number {
  if (typeof arg === 'number' && !Number.isNaN(arg)) return arg;
  return strtod(textOf(arg), true) ?? fail(error);
}

/** A score range bound: `(1.5` is exclusive. Parsed like Redis' `zslParseRange`. */
export interface ScoreBound {
  value: number;
  exclusive: boolean;
}

/** Parses a score range bound, or fails with the given error reply. */
export function boundOf(arg: RedisArg, error: string): ScoreBound {
  const text = textOf(arg);
  const exclusive = text.startsWith('(');
  // zslParseRange calls strtod directly: leading spaces pass, and an empty text is 0.
  const body = (exclusive ? text.slice(1) : text).trimStart();
  const value = body === '' ? 0 : strtod(body, false);
  if (value === undefined) fail(error);
  return { value, exclusive };
}

/** A double as Redis 7.0 replies it (`%.17g`): `1.5`, `3`, `0.10000000000000001`, `1e+20`, `inf`. */
export function formatDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [digits = '', exp = '0'] = value.toExponential(16).split('e');
  const exponent = Number(exp);
  const negative = digits.startsWith('-');
  const significand = digits.replace('-', '').replace('.', '').replace(/0+$/, '');
  let out: string;
  if (exponent < -4 || exponent >= 17) {
    const mantissa =
      significand.length > 1 ? `${significand[0]}.${significand.slice(1)}` : significand;
    const e = Math.abs(exponent);
    out = `${mantissa}e${exponent < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  } else if (exponent < 0) {
    out = `0.${'0'.repeat(-exponent - 1)}${significand}`;
  } else if (significand.length <= exponent + 1) {
    out = significand + '0'.repeat(exponent + 1 - significand.length);
  } else {
    out = `${significand.slice(0, exponent + 1)}.${significand.slice(exponent + 1)}`;
  }
  return negative ? `-${out}` : out;
}

/**
 * An x87 80-bit long double: `sign * mantissa * 2^exponent` with a 64-bit mantissa (0 for
 * zero). INCRBYFLOAT computes in this precision on Linux/x86-64, so emulating it exactly (with
 * bigints) gives the same digits as the server, e.g. `12345678.12345678899964696`.
 */
export interface LongDouble {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
}

const MANTISSA_BITS = 64;
const MAX_EXPONENT = 16384 - MANTISSA_BITS;
const MIN_EXPONENT = -16382 - MANTISSA_BITS;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds `num / den` (positive) to the nearest long double, ties to even. */
function fromRatio(negative: boolean, num: bigint, den: bigint): LongDouble | undefined {
  if (num === 0n) return { negative, mantissa: 0n, exponent: 0 };
  let exponent = bitLength(num) - bitLength(den) - MANTISSA_BITS;
  for (;;) {
    const n = exponent < 0 ? num << BigInt(-exponent) : num;
    const d = exponent > 0 ? den << BigInt(exponent) : den;
    let mantissa = n / d;
    if (mantissa >= 1n << BigInt(MANTISSA_BITS)) {
      exponent++;
      continue;
    }
    if (mantissa < 1n << BigInt(MANTISSA_BITS - 1)) {
      exponent--;
      continue;
    }
    const rest = (n % d) * 2n;
    if (rest > d || (rest === d && (mantissa & 1n) === 1n)) mantissa++;
    if (mantissa === 1n << BigInt(MANTISSA_BITS)) {
      mantissa >>= 1n;
      exponent++;
    }
    if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT) return undefined;
    return { negative, mantissa, exponent };
  }
}

/**
 * Parses a long double like Redis' `string2ld` (strtold on the whole text, no leading space,
 * no NaN, no overflow or underflow). Infinity is returned as `Infinity`.
 */
export function parseLongDouble(text: string): LongDouble | number | undefined {
  if (text.length === 0 || text.length >= 5 * 1024) return undefined;
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  const hex = HEX.exec(text);
  if (hex) return fromRatio(hex[1] === '-', BigInt(`0x${hex[2]}`), 1n);
  if (!DECIMAL.test(text)) return undefined;
  const negative = text.startsWith('-');
  const [mantissa = '', exp = '0'] = text.replace(/^[+-]/, '').split(/[eE]/);
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = BigInt(`0${whole}${fraction}`);
  const scale = Number(exp) - fraction.length;
  if (digits === 0n) return { negative, mantissa: 0n, exponent: 0 };
  if (scale > 5000 || scale < -5100) return undefined;
  return scale >= 0
    ? fromRatio(negative, digits * 10n ** BigInt(scale), 1n)
    : fromRatio(negative, digits, 10n ** BigInt(-scale));
}

/** `a + b`, rounded to a long double; undefined on overflow. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | undefined {
  const base = Math.min(a.exponent, b.exponent);
  const scaled = (x: LongDouble) =>
    (x.negative ? -x.mantissa : x.mantissa) << BigInt(x.exponent - base);
  const sum = scaled(a) + scaled(b);
  const negative = sum < 0n;
  const magnitude = negative ? -sum : sum;
  const result =
    base >= 0
      ? fromRatio(negative, magnitude << BigInt(base), 1n)
      : fromRatio(negative, magnitude, 1n << BigInt(-base));
  // 0 + 0 is +0, and so is x + (-x), like IEEE addition in the default rounding mode.
  if (result && result.mantissa === 0n) result.negative = a.negative && b.negative;
  return result;
}

/** `%.17Lf` without trailing zeros, as Redis prints INCRBYFLOAT results; `-0` becomes `0`. */
export function formatLongDouble(value: LongDouble): string {
  const { mantissa, exponent } = value;
  let text: string;
  if (exponent >= 0) {
    text = (mantissa << BigInt(exponent)).toString();
  } else {
    const den = 1n << BigInt(-exponent);
    const num = mantissa * 10n ** 17n;
    let scaled = num / den;
    const rest = (num % den) * 2n;
    if (rest > den || (rest === den && (scaled & 1n) === 1n)) scaled++;
    const digits = scaled.toString().padStart(18, '0');
    const whole = digits.slice(0, -17);
    const fraction = digits.slice(-17).replace(/0+$/, '');
    text = fraction === '' ? whole : `${whole}.${fraction}`;
  }
  return value.negative && text !== '0' ? `-${text}` : text;
}

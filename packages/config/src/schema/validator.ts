import * as v from 'valibot';
import { type IssueList, joinPath } from './issues.js';
import { describeType } from './suggest.js';

/** Returned by a validator for a value it rejected (its problems are in the issue list). */
export const INVALID: unique symbol = Symbol('invalid');

/**
 * Checks one option value: returns it (possibly normalized) or {@link INVALID} after recording
 * its problems at `path` (or below it: `tls.caFile`, `compressor[1]`).
 */
export type Validator = (value: unknown, path: string, issues: IssueList) => unknown;

/** A valibot schema accepted by {@link fromSchema}. */
export type AnySchema = v.GenericSchema<unknown, unknown>;

/**
 * The message valibot falls back on. Every schema here sets its own messages; this is a safety
 * net that, unlike valibot's default, never quotes the received value (it could be a secret).
 */
const FALLBACK: v.ErrorMessage<v.BaseIssue<unknown>> = (issue) =>
  `must be ${issue.expected ?? 'valid'}, got ${describeType(issue.input)}`;

/**
 * A validator from a valibot schema (used to check, never to transform): each valibot issue
 * becomes an issue at `path` plus the issue's own path (object keys and array indexes inside
 * the value).
 */
export function fromSchema(schema: AnySchema): Validator {
  return (value, path, issues) => {
    const result = v.safeParse(schema, value, { message: FALLBACK, abortPipeEarly: true });
    // The value as given, not valibot's output: that is a copy, which would cut a logger's
    // methods off their instance and break identity (natMap, codec instances).
    if (result.success) return value;
    for (const issue of result.issues) {
      const keys = (issue.path ?? []).map((item) => item.key as string | number);
      issues.add(joinPath(path, ...keys), issue.message);
    }
    return INVALID;
  };
}

/** `-1`, `NaN`, `Infinity` for numbers and booleans; the type for anything else. */
export function shownNumber(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : describeType(value);
}

/** A message function `must be <expectation>, got <number or type>`. */
export function expecting(expectation: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `must be ${expectation}, got ${shownNumber(issue.input)}`;
}

/** True for an object that is not an array (class instances included). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { CommandError } from '../errors.js';
import type { Reply } from '../types/transport.js';

// Small reply readers shared by the step builders: they check the shape the server promised so
// that a transport bug surfaces as a clear error rather than a wrong value.

export function toInt(reply: Reply): number {
  if (typeof reply === 'number') return reply;
  if (Buffer.isBuffer(reply) || typeof reply === 'string') {
    const n = Number(reply.toString());
    if (Number.isFinite(n)) return n;
  }
  throw new CommandError(`Expected an integer reply, got ${describe(reply)}`);
}

export function toBool(reply: Reply): boolean {
  return toInt(reply) === 1;
}

export function toPositive(reply: Reply): boolean {
  return toInt(reply) > 0;
}

/** `OK` (or any non-nil status) → true; nil (an NX/XX miss) → false. */
export function isOk(reply: Reply): boolean {
  return reply !== null;
}

export function toText(reply: Reply): string {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'string') return reply;
  if (typeof reply === 'number') return String(reply);
  throw new CommandError(`Expected a string reply, got ${describe(reply)}`);
}

export function toArray(reply: Reply): Reply[] {
  if (Array.isArray(reply)) return reply;
  if (reply === null) return [];
  throw new CommandError(`Expected an array reply, got ${describe(reply)}`);
}

function describe(reply: Reply): string {
  if (reply === null) return 'nil';
  if (Array.isArray(reply)) return `an array of ${reply.length}`;
  return typeof reply;
}

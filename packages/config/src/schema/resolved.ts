import { type InspectOptions, inspect } from 'node:util';
import type { ResolvedCacheConfig } from '../cache-config-types.js';
import { REDACTED_VALUE, redactUrl } from '../redact.js';
import { isRecord } from './validator.js';

const BRAND = Symbol.for('cachex.resolvedCacheConfig');

/** The fields of a resolved configuration, secrets included. */
export type ResolvedFields = Omit<ResolvedCacheConfig, 'password' | 'sentinelPassword'> & {
  readonly password?: string;
  readonly sentinelPassword?: string;
};

// Keys whose values are shown as `[redacted]` inside clientOptions/clusterOptions/tls.
const SECRET_KEY = /^(?:password|pass|sentinelPassword|key)$/i;

/** A copy of a user object with secret-looking keys redacted (a few levels deep). */
function redactObject(value: unknown, depth = 0): unknown {
  if (depth > 4) return value;
  if (Array.isArray(value)) return value.map((item) => redactObject(item, depth + 1));
  if (!isRecord(value) || Buffer.isBuffer(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      SECRET_KEY.test(key) && item !== undefined ? REDACTED_VALUE : redactObject(item, depth + 1);
  }
  return copy;
}

/** A codec instance by its name; a name as it is. */
function codecLabel(codec: unknown): unknown {
  return typeof codec === 'string' ? codec : `[${(codec as { name: string }).name}]`;
}

/**
 * A resolved configuration. The secrets live in private fields: the `password` and
 * `sentinelPassword` getters return them, while `util.inspect`, `JSON.stringify` and
 * `String()` show `[redacted]` (and the location through `redactUrl`). Object spread and
 * `Object.keys` do not see the secrets either: read them explicitly.
 */
class ResolvedConfig {
  readonly #password: string | undefined;
  readonly #sentinelPassword: string | undefined;

  constructor(fields: ResolvedFields) {
    const { password, sentinelPassword, ...shown } = fields;
    this.#password = password;
    this.#sentinelPassword = sentinelPassword;
    for (const [key, value] of Object.entries(shown)) {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true });
    }
    Object.freeze(this);
  }

  get password(): string | undefined {
    return this.#password;
  }

  get sentinelPassword(): string | undefined {
    return this.#sentinelPassword;
  }

  /** The configuration with its secrets shown as `[redacted]`. */
  toJSON(): Record<string, unknown> {
    const shown: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) {
      switch (key) {
        case 'location':
          shown[key] = (value as readonly string[]).map(redactUrl);
          break;
        case 'serializer':
        case 'compressor':
          shown[key] = (value as readonly unknown[]).map(codecLabel);
          break;
        case 'logger':
          shown[key] = '[logger]';
          break;
        case 'tls':
        case 'sentinelTls':
        case 'clientOptions':
        case 'clusterOptions':
          shown[key] = redactObject(value);
          break;
        default:
          shown[key] = value;
      }
      if (key === 'username' && this.#password !== undefined) shown.password = REDACTED_VALUE;
      if (key === 'sentinelUsername' && this.#sentinelPassword !== undefined) {
        shown.sentinelPassword = REDACTED_VALUE;
      }
    }
    if (this.#password !== undefined) shown.password = REDACTED_VALUE;
    if (this.#sentinelPassword !== undefined) shown.sentinelPassword = REDACTED_VALUE;
    return shown;
  }

  /** `default: redis redis://:***@cache:6379/0`. */
  toString(): string {
    const self = this as unknown as ResolvedCacheConfig;
    const where = self.location.length === 0 ? '' : ` ${redactUrl(self.location.join(', '))}`;
    return `${self.alias}: ${self.backend}${where}`;
  }

  [inspect.custom](_depth: number, options: InspectOptions, nodeInspect = inspect): string {
    return `ResolvedCacheConfig ${nodeInspect(this.toJSON(), options)}`;
  }
}

Object.defineProperty(ResolvedConfig.prototype, BRAND, { value: true });

/** Creates the frozen, redacting configuration object. */
export function createResolvedConfig(fields: ResolvedFields): ResolvedCacheConfig {
  return new ResolvedConfig(fields) as unknown as ResolvedCacheConfig;
}

/**
 * True for a configuration made by `parseCacheConfig`/`parseCachesConfig` (even by another
 * copy of `@cachex/config`), so that code taking either raw or resolved input does not
 * resolve twice.
 */
export function isResolvedCacheConfig(value: unknown): value is ResolvedCacheConfig {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

import { type InspectOptions, inspect } from 'node:util';
import { REDACTED_MARK, REDACTED_VALUE } from './redact.js';
import type { Endpoint, EndpointOptions, Scheme } from './types.js';

/** The fields an endpoint is built from (the password included). */
export interface EndpointFields {
  readonly scheme: Scheme;
  readonly tls: boolean;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly db?: number;
  readonly username?: string;
  readonly password?: string;
  readonly options: EndpointOptions;
}

/**
 * An {@link Endpoint} whose password lives in a private field: the `password` getter returns
 * it, while `util.inspect`, `JSON.stringify`, `String()` and object spread never see it.
 */
class RedactedEndpoint implements Endpoint {
  readonly scheme: Scheme;
  readonly tls: boolean;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly db?: number;
  readonly username?: string;
  readonly options: EndpointOptions;
  readonly #password: string | undefined;

  constructor(fields: EndpointFields) {
    this.scheme = fields.scheme;
    this.tls = fields.tls;
    this.host = fields.host;
    this.port = fields.port;
    this.path = fields.path;
    this.db = fields.db;
    this.username = fields.username;
    this.options = fields.options;
    this.#password = fields.password;
    Object.freeze(this);
  }

  get password(): string | undefined {
    return this.#password;
  }

  /** The endpoint without undefined fields, the password shown as `[redacted]`. */
  toJSON(): Record<string, unknown> {
    const shown: Record<string, unknown> = { scheme: this.scheme, tls: this.tls };
    for (const field of ['host', 'port', 'path', 'db', 'username'] as const) {
      if (this[field] !== undefined) shown[field] = this[field];
    }
    if (this.#password !== undefined) shown.password = REDACTED_VALUE;
    shown.options = this.options;
    return shown;
  }

  /** The redacted display form, as {@link formatEndpoint} gives it. */
  toString(): string {
    return formatEndpoint(this);
  }

  [inspect.custom](
    _depth: number,
    options: InspectOptions,
    nodeInspect: typeof inspect = inspect,
  ): string {
    return `Endpoint ${nodeInspect(this.toJSON(), options)}`;
  }
}

/** Creates a frozen endpoint that keeps its password out of every printed form. */
export function createEndpoint(fields: EndpointFields): Endpoint {
  return new RedactedEndpoint(fields);
}

/**
 * A short display string for logs, with the password replaced by `***` and without query
 * options: `redis://user:***@10.0.0.5:6380/2`, `valkeys://[::1]:6379`,
 * `unix://:***@/run/redis.sock?db=1`. It works on any object with the {@link Endpoint} fields.
 *
 * @example
 * ```ts
 * const { primary } = parseLocation('redis://app:s3cret@cache:6380/2');
 * logger.info(`connecting to ${formatEndpoint(primary)}`); // redis://app:***@cache:6380/2
 * ```
 */
export function formatEndpoint(endpoint: Endpoint): string {
  const user = endpoint.username === undefined ? '' : encodeURIComponent(endpoint.username);
  const secret = endpoint.password === undefined ? '' : `:${REDACTED_MARK}`;
  const userinfo = user === '' && secret === '' ? '' : `${user}${secret}@`;
  if (endpoint.scheme === 'unix') {
    const db = endpoint.db === undefined ? '' : `?db=${endpoint.db}`;
    return `unix://${userinfo}${endpoint.path ?? ''}${db}`;
  }
  const host = endpoint.host?.includes(':')
    ? `[${endpoint.host.replace('%', '%25')}]`
    : (endpoint.host ?? '');
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  const db = endpoint.db === undefined ? '' : `/${endpoint.db}`;
  return `${endpoint.scheme}://${userinfo}${host}${port}${db}`;
}

/**
 * The shapes {@link parseLocation} returns. Everything here is read-only data: the transport
 * turns it into ioredis/iovalkey options.
 */

/** The driver package a transport loads: `ioredis` or `iovalkey`. */
export type Driver = 'ioredis' | 'iovalkey';

/**
 * The scheme of one endpoint, lower-case. `redis+unix://` and `valkey+unix://` are reported as
 * `unix` (their prefix only chooses the driver).
 */
export type Scheme = 'redis' | 'rediss' | 'valkey' | 'valkeys' | 'unix';

/** The accepted values of `ssl_cert_reqs` (as Python's `ssl.CERT_*`), lower-case. */
export type SslCertReqs = 'none' | 'optional' | 'required';

/**
 * Query parameters of one URL, typed. Known parameters are renamed to camelCase (the URL may use
 * either the Django/redis-py snake_case name or the camelCase one):
 *
 * | URL parameter                                     | key                   | type                          |
 * |---------------------------------------------------|-----------------------|-------------------------------|
 * | `socket_timeout`, `socketTimeout`                 | `socketTimeout`       | number of seconds, ≥ 0        |
 * | `socket_connect_timeout`, `connectTimeout`, `socketConnectTimeout` | `connectTimeout` | number of seconds, ≥ 0 |
 * | `max_connections`, `maxConnections`               | `maxConnections`      | integer ≥ 1                   |
 * | `health_check_interval`, `healthCheckInterval`    | `healthCheckInterval` | number of seconds, ≥ 0        |
 * | `ssl_check_hostname`, `sslCheckHostname`          | `sslCheckHostname`    | boolean                       |
 * | `socket_keepalive`, `socketKeepalive`             | `socketKeepalive`     | boolean                       |
 * | `retry_on_timeout`, `retryOnTimeout`              | `retryOnTimeout`      | boolean                       |
 * | `ssl_cert_reqs`, `sslCertReqs`                    | `sslCertReqs`         | `'none' \| 'optional' \| 'required'` |
 * | `ssl_ca_certs`, `sslCaCerts`                      | `sslCaCerts`          | file path                     |
 * | `ssl_certfile`, `sslCertfile`                     | `sslCertfile`         | file path                     |
 * | `ssl_keyfile`, `sslKeyfile`                       | `sslKeyfile`          | file path                     |
 *
 * Seconds are kept as given (`socket_timeout=0.5` → `0.5`); converting to milliseconds is the
 * transport's job. Booleans accept `1/0`, `true/false`, `yes/no`, `y/n`, `on/off` in any case.
 * `db`, `password`/`pass` and `username`/`user` are never here: they become
 * {@link Endpoint.db}, {@link Endpoint.password} and {@link Endpoint.username}. Any other
 * parameter is kept under its own name as a (percent-decoded) string.
 */
export interface EndpointOptions {
  /** Command (socket read) timeout in seconds. */
  readonly socketTimeout?: number;
  /** Connect timeout in seconds. */
  readonly connectTimeout?: number;
  /**
   * The most connections a transport opens per server (`?max_connections=`): one multiplexed
   * connection for ordinary commands, the rest for blocking commands. Default 50.
   */
  readonly maxConnections?: number;
  /** Seconds between health-check PINGs on idle connections. */
  readonly healthCheckInterval?: number;
  /** Verify that the server certificate matches the host name (TLS only). */
  readonly sslCheckHostname?: boolean;
  /** Enable TCP keep-alive on the socket. */
  readonly socketKeepalive?: boolean;
  /** Retry a command once after a socket timeout. */
  readonly retryOnTimeout?: boolean;
  /** Server certificate verification: `none` disables it (self-signed certificates). */
  readonly sslCertReqs?: SslCertReqs;
  /** Path of the CA bundle that signs the server certificate. */
  readonly sslCaCerts?: string;
  /** Path of the client certificate (mutual TLS). */
  readonly sslCertfile?: string;
  /** Path of the client private key (mutual TLS). */
  readonly sslKeyfile?: string;
  /** Unknown parameters, by their name in the URL, as strings. */
  readonly [name: string]: string | number | boolean | undefined;
}

/**
 * One server, parsed from one URL.
 *
 * The password is held privately: it is returned by the `password` getter but shown as
 * `[redacted]` by `util.inspect`, `JSON.stringify` and `String()`, and never copied by object
 * spread (`{ ...endpoint }` has no `password`). Read it explicitly.
 */
export interface Endpoint {
  /** The URL scheme, lower-case (`redis+unix`/`valkey+unix` are reported as `unix`). */
  readonly scheme: Scheme;
  /** True for `rediss://` and `valkeys://`. */
  readonly tls: boolean;
  /** Host name or IP address; IPv6 without brackets (`::1`). `undefined` for unix sockets. */
  readonly host?: string;
  /** TCP port (default 6379). `undefined` for unix sockets. */
  readonly port?: number;
  /** Unix socket path (percent-decoded). `undefined` for TCP schemes. */
  readonly path?: string;
  /**
   * Database number: `?db=N` wins over the path `/N` (TCP only). `undefined` when the URL gives
   * none, so that an explicit option can apply.
   */
  readonly db?: number;
  /** ACL user name, percent-decoded (`user@` or `?username=`). */
  readonly username?: string;
  /** Password, percent-decoded. Never printed: see the interface description. */
  readonly password?: string;
  /** The other query parameters, typed and renamed (see {@link EndpointOptions}). */
  readonly options: EndpointOptions;
}

/** The result of {@link parseLocation}: one primary, zero or more read replicas. */
export interface ParsedLocation {
  /** The driver to load: `options.driver` if given, else chosen by the primary's scheme. */
  readonly driver: Driver;
  /** The first URL: receives writes (and reads unless routed to replicas). */
  readonly primary: Endpoint;
  /** The other URLs, in the order given: read replicas. */
  readonly replicas: readonly Endpoint[];
}

/** Options of {@link parseLocation}. */
export interface ParseLocationOptions {
  /** Force the driver, whatever the schemes say. */
  readonly driver?: Driver;
}

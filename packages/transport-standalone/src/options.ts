import type { DriverTransportOptions } from './driver/options.js';

/** Options of {@link createStandaloneTransport}. */
export interface StandaloneTransportOptions extends DriverTransportOptions {
  /**
   * One URL, a list of URLs, or a `,`/`;`-separated string: the first is the primary (writes),
   * the others are read replicas. Schemes: `redis`, `rediss`, `valkey`, `valkeys`, `unix`.
   */
  location: string | readonly string[];
}

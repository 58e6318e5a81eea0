/**
 * `@cachex/config`: Redis/Valkey URL parsing and typed configuration.
 *
 * @packageDocumentation
 */

export { formatEndpoint } from './endpoint.js';
export type { LocationProblem } from './location-error.js';
export { DEFAULT_PORT } from './parse-authority.js';
export { parseLocation } from './parse-location.js';
export { redactUrl } from './redact.js';
export { ACCEPTED_SCHEMES } from './schemes.js';
export type {
  Driver,
  Endpoint,
  EndpointOptions,
  ParsedLocation,
  ParseLocationOptions,
  Scheme,
  SslCertReqs,
} from './types.js';

import type { CacheConfigOptions } from '../cache-config-types.js';
import { checkCompressor, checkSerializer } from './codecs.js';
import { checkSentinels } from './sentinels.js';
import { SIMPLE_OPTION_SCHEMAS } from './simple-options.js';
import { checkTls } from './tls.js';
import { fromSchema, type Validator } from './validator.js';

const simple = Object.fromEntries(
  Object.entries(SIMPLE_OPTION_SCHEMAS).map(([name, schema]) => [name, fromSchema(schema)]),
) as Record<keyof typeof SIMPLE_OPTION_SCHEMAS, Validator>;

/** One validator per option of {@link CacheConfigOptions}; the type makes the list complete. */
const OPTION_VALIDATORS: { readonly [K in keyof CacheConfigOptions]-?: Validator } = {
  ...simple,
  serializer: checkSerializer,
  compressor: checkCompressor,
  tls: checkTls,
  sentinelTls: checkTls,
  sentinels: checkSentinels,
};

/** Every option name, flat or under `options`. */
export const OPTION_NAMES: readonly string[] = Object.freeze(Object.keys(OPTION_VALIDATORS));

/** The validator of a known option name. */
export function validatorOf(name: string): Validator {
  const validator = (OPTION_VALIDATORS as Readonly<Record<string, Validator>>)[name];
  if (validator === undefined) throw new Error(`no validator for option ${name}`);
  return validator;
}

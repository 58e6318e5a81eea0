/** Environment variables, as `process.env` holds them. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** The variables that may hold a cache URL, in the order they are consulted. */
export const URL_VARIABLES = ['CACHEX_URL', 'VALKEY_URL', 'REDIS_URL'] as const;

/** One of {@link URL_VARIABLES}. */
export type UrlVariable = (typeof URL_VARIABLES)[number];

/**
 * The value of a variable, or `undefined` when it is unset or blank. A blank value counts as
 * unset because deployment tools often define every variable of a template, empty or not.
 */
export function envValue(env: EnvRecord, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The first URL variable that is set, with its name. */
export function urlFromEnv(env: EnvRecord): { variable: UrlVariable; url: string } | undefined {
  for (const variable of URL_VARIABLES) {
    const url = envValue(env, variable);
    if (url !== undefined) return { variable, url: url.trim() };
  }
  return undefined;
}

/** The running environment: `explicit`, else `CACHEX_ENV`, else `NODE_ENV`, else `development`. */
export function resolveEnvironment(env: EnvRecord, explicit?: string): string {
  return (
    (explicit !== undefined && explicit.trim() !== '' ? explicit : undefined) ??
    envValue(env, 'CACHEX_ENV') ??
    envValue(env, 'NODE_ENV') ??
    'development'
  ).trim();
}

/**
 * Whether `environment` is production. Compared without regard to case so that a
 * `NODE_ENV=Production` cannot slip through to the silent development defaults.
 */
export function isProduction(environment: string): boolean {
  return environment.trim().toLowerCase() === 'production';
}

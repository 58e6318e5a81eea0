import fc from 'fast-check';

/**
 * Property-test settings shared by this package's fast-check suites: 1,000 cases per property,
 * a fixed seed in CI (`CI` set) so a red build replays the same cases, and a random seed locally
 * so every run explores new ones. `CACHEX_PROPERTY_SEED` replays a given seed anywhere and
 * `CACHEX_PROPERTY_RUNS` changes the number of cases. A failure's message starts with the seed
 * and the path of the shrunk counterexample, whichever way the seed was chosen.
 */
export const CI_PROPERTY_SEED = 20_261_203;

const DEFAULT_RUNS = 1000;

function envInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${text}`);
  return value;
}

/** The seed in effect: `CACHEX_PROPERTY_SEED`, else the CI seed under CI, else a random one. */
export function propertySeed(): number {
  return (
    envInteger('CACHEX_PROPERTY_SEED') ??
    (process.env.CI ? CI_PROPERTY_SEED : (Math.random() * 2 ** 31) | 0)
  );
}

/** `fc.assert` with the shared settings; the seed is named in the error when a case fails. */
export async function assertProperty<Ts>(
  property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
  parameters: fc.Parameters<Ts> = {},
): Promise<void> {
  const seed = propertySeed();
  const settings: fc.Parameters<Ts> = {
    numRuns: envInteger('CACHEX_PROPERTY_RUNS') ?? DEFAULT_RUNS,
    ...parameters,
    seed,
  };
  try {
    await fc.assert(property as fc.IAsyncProperty<Ts>, settings);
  } catch (error) {
    // fast-check's report already holds `{ seed, path }`; say how to replay it in one line.
    if (error instanceof Error) {
      error.message = `property failed with seed ${seed} (replay: CACHEX_PROPERTY_SEED=${seed})\n${error.message}`;
    }
    throw error;
  }
}

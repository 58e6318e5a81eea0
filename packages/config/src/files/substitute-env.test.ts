// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config values holding literal ${VAR} references.
import { describe, expect, it } from 'vitest';
import { substituteEnv } from './substitute-env.js';

const env = { HOST: 'cache.internal', PASSWORD: 'p"a\'ss{}#', EMPTY: '' };

describe('substituteEnv', () => {
  it('replaces ${NAME} in every string value, nested and in arrays, never in keys', () => {
    const { value, problems } = substituteEnv(
      {
        caches: {
          default: {
            location: ['redis://${HOST}:6390/0', 'redis://${HOST}:6380/0'],
            password: '${PASSWORD}',
            timeout: 5,
            compressor: null,
            '${HOST}': 'x',
          },
        },
      },
      env,
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({
      caches: {
        default: {
          location: ['redis://cache.internal:6390/0', 'redis://cache.internal:6380/0'],
          password: env.PASSWORD,
          timeout: 5,
          compressor: null,
          '${HOST}': 'x',
        },
      },
    });
  });

  it.each([
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${HOST:-fallback}', 'cache.internal'],
    ['${MISSING:-}', ''],
    ['${MISSING:-redis://h:1/0}', 'redis://h:1/0'],
    ['${EMPTY}', ''],
    ['$${HOST}', '${HOST}'],
    ['a$${b}c${HOST}', 'a${b}ccache.internal'],
    ['cost: $5 and $$', 'cost: $5 and $$'],
    ['$', '$'],
  ])('%s → %s', (input, expected) => {
    const { value, problems } = substituteEnv(input, env);
    expect(problems).toEqual([]);
    expect(value).toBe(expected);
  });

  it('reports every missing variable with its path', () => {
    const { problems } = substituteEnv(
      { caches: { default: { password: '${REDIS_PASSWORD}', location: ['${A}', 'x${B}'] } } },
      env,
    );
    expect(problems).toEqual([
      { path: ['caches', 'default', 'password'], kind: 'missing', variable: 'REDIS_PASSWORD' },
      { path: ['caches', 'default', 'location', 0], kind: 'missing', variable: 'A' },
      { path: ['caches', 'default', 'location', 1], kind: 'missing', variable: 'B' },
    ]);
  });

  it.each(['${', '${HOST', '${1A}', '${A B}', '${}', '${:-x}'])(
    'reports %s as malformed',
    (input) => {
      const { problems } = substituteEnv({ a: input }, env);
      expect(problems).toEqual([{ path: ['a'], kind: 'malformed' }]);
    },
  );

  it('keeps a __proto__ key as a plain property', () => {
    const tree = JSON.parse('{"__proto__": {"polluted": "${HOST}"}}') as unknown;
    const { value } = substituteEnv(tree, env);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { ConfigError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { OPTION_NAMES } from './option-validators.js';
import { parseCacheConfig } from './parse-cache-config.js';

// The "Typed configuration" section of the README, between its markers: it stays true.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const between = (name: string): string =>
  readme.split(`<!-- ${name}:start -->`)[1]?.split(`<!-- ${name}:end -->`)[0] ?? '';

describe('README: typed configuration', () => {
  it('documents every option, and only those', () => {
    const documented = between('options')
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => /^\| `(\w+)`/.exec(line)?.[1]);
    expect(documented.sort()).toEqual(['backend', 'location', 'options', ...OPTION_NAMES].sort());
  });

  it('shows values the example really gives', () => {
    const code = /```ts\n([\s\S]*?)```/.exec(between('typed-config-example'))?.[1] ?? '';
    const body = code.replace(/^import .*$/m, '');
    const run = new Function('parseCacheConfig', `${body}\nreturn config;`);
    const config = run(parseCacheConfig) as Record<string, unknown>;
    const claims = [...body.matchAll(/^config\.(\w+); \/\/ ('[^']*'|\[[^\]]*\]|\d+)/gm)];
    expect(claims.length).toBeGreaterThanOrEqual(6);
    for (const [, field = '', literal = ''] of claims) {
      expect(config[field], field).toEqual(JSON.parse(literal.replaceAll("'", '"')));
    }
  });

  it('shows the error the example really throws', () => {
    const section = readme.split('## Typed configuration')[1] ?? '';
    const [, call = '', comment = ''] =
      /```ts\n(parseCacheConfig\([\s\S]*?\);)\n((?:\/\/[^\n]*\n)+)```/.exec(section) ?? [];
    let thrown: unknown;
    try {
      new Function('parseCacheConfig', call)(parseCacheConfig);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const lines = comment.split('\n').filter((line) => line.startsWith('//'));
    expect(lines.length).toBe(4);
    for (const line of lines) {
      const shown = line.replace(/^\/\/ (?:ConfigError: )?/, '').split('…')[0] ?? '';
      expect((thrown as Error).message).toContain(shown.trim());
    }
  });
});

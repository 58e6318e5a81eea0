import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorCodes, isCachexError, MissingDependencyError } from '@cachex/core';
import { createOptionalLoader } from '@cachex/core/internal';
import { describe, expect, it } from 'vitest';
import { yamlLoaderFrom } from './load-yaml.js';
import { parseConfigText } from './parse-config-text.js';

const SECRET = 'hunter2-s3cret';

function errorOf(run: () => unknown): Error & { code?: string; context?: Record<string, unknown> } {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parseConfigText', () => {
  it('parses JSON, with or without a byte-order mark', () => {
    expect(parseConfigText('{"caches": {"default": {"timeout": 5}}}', 'json', 'x.json')).toEqual({
      caches: { default: { timeout: 5 } },
    });
    expect(parseConfigText('\uFEFF{"caches": {}}', 'json', 'x.json')).toEqual({ caches: {} });
  });

  it('parses YAML (anchors included)', () => {
    const text = [
      'shared: &shared',
      '  timeout: 60',
      'caches:',
      '  default:',
      '    <<: *shared',
      '    location: redis://h:6390/0',
    ].join('\n');
    expect(parseConfigText(text, 'yaml', 'x.yaml')).toMatchObject({
      caches: { default: { location: 'redis://h:6390/0' } },
    });
  });

  it('a JSON syntax error names the file, line and column, and quotes nothing', () => {
    const text = `{\n  "caches": {\n    "default": { "password": ${SECRET} }\n  }\n}`;
    const error = errorOf(() => parseConfigText(text, 'json', 'cachex.config.json'));
    expect(isCachexError(error)).toBe(true);
    expect(error.code).toBe(errorCodes.config);
    expect(error.message).toBe(
      'Invalid JSON in cachex.config.json at line 3, column 30: unexpected character.',
    );
    expect(error.context).toMatchObject({ file: 'cachex.config.json', line: 3, column: 30 });
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
  });

  it('a YAML syntax error names the file, line and column, and quotes nothing', () => {
    const text = `caches:\n  default:\n    password: "${SECRET}\n  timeout: 5\n`;
    const error = errorOf(() => parseConfigText(text, 'yaml', 'cachex.config.yaml'));
    expect(error.code).toBe(errorCodes.config);
    expect(error.message).toMatch(
      /^Invalid YAML in cachex\.config\.yaml at line \d+, column \d+: /,
    );
    expect(error.message).not.toContain(SECRET);
    expect(error.cause).toBeUndefined();
    expect(error.context).toMatchObject({ file: 'cachex.config.yaml', reason: 'invalid-yaml' });
  });

  it('rejects duplicate YAML keys with their line', () => {
    const error = errorOf(() =>
      parseConfigText('caches:\n  a: {}\n  a: {}\n', 'yaml', 'cachex.config.yml'),
    );
    expect(error.message).toBe(
      'Invalid YAML in cachex.config.yml at line 3, column 3: duplicate key.',
    );
  });

  it('refuses YAML whose aliases explode', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const ref = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [*${ref}, *${ref}, *${ref}, *${ref}, *${ref}, *${ref}]`);
    }
    const error = errorOf(() => parseConfigText(lines.join('\n'), 'yaml', 'bomb.yaml'));
    expect(error.code).toBe(errorCodes.config);
    expect(error.message).toContain('bomb.yaml');
  });

  it('without the yaml package, a YAML file is a MissingDependencyError naming yaml', () => {
    // The real loader, anchored in a directory whose `yaml` cannot be loaded: the nearest
    // node_modules wins over any other copy (pnpm's NODE_PATH included), so this is what an
    // application without a usable `yaml` sees.
    const dir = mkdtempSync(join(tmpdir(), 'cachex-no-yaml-'));
    mkdirSync(join(dir, 'node_modules', 'yaml'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'yaml', 'package.json'),
      JSON.stringify({ name: 'yaml', main: 'absent.js' }),
    );
    const anchor = pathToFileURL(join(dir, 'x.js'));
    const loader = yamlLoaderFrom(createOptionalLoader(anchor.href));
    const error = errorOf(() =>
      parseConfigText('caches: {}', 'yaml', 'cachex.config.yaml', loader),
    );
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect(error.code).toBe('E_MISSING_DEPENDENCY');
    expect(error.context).toMatchObject({ package: 'yaml' });
    expect(error.message).toContain('"yaml"');
    expect(error.message).toMatch(/add yaml|install yaml/);
    expect(error.message).toContain('YAML config file');
    // JSON never needs it.
    expect(parseConfigText('{"caches": {}}', 'json', 'x.json', loader)).toEqual({ caches: {} });
  });
});

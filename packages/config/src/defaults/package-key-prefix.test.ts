import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyPrefixFromName, packageKeyPrefix } from './package-key-prefix.js';

describe('keyPrefixFromName', () => {
  it.each([
    ['@acme/api', 'acme-api'],
    ['My-App', 'my-app'],
    ['plain', 'plain'],
  ])('%s → %s', (name, prefix) => {
    expect(keyPrefixFromName(name)).toBe(prefix);
  });
});

describe('packageKeyPrefix', () => {
  it('uses the nearest package.json with a name, from cwd upward', () => {
    const root = mkdtempSync(join(tmpdir(), 'cachex-prefix-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@Acme/Web' }));
    const nested = join(root, 'src', 'server');
    mkdirSync(nested, { recursive: true });
    // A package.json without a name (or unreadable) is skipped.
    writeFileSync(join(root, 'src', 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(nested, 'package.json'), '{ not json');
    expect(packageKeyPrefix(nested)).toBe('acme-web');
  });

  it('is empty without any package.json', () => {
    // The temp directory's ancestors hold no package.json on a normal system.
    const dir = mkdtempSync(join(tmpdir(), 'cachex-prefix-none-'));
    expect(packageKeyPrefix(dir)).toBe('');
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCodes } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { findConfigFiles } from './find-config-files.js';

function dirWith(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachex-find-'));
  for (const file of files) writeFileSync(join(dir, file), '{}');
  return dir;
}

describe('findConfigFiles', () => {
  it('finds nothing in an empty directory', async () => {
    expect(await findConfigFiles({ cwd: dirWith([]), environment: 'production' })).toEqual({});
  });

  it('finds the base and the overlay of the environment only', async () => {
    const cwd = dirWith([
      'cachex.config.json',
      'cachex.config.production.yml',
      'cachex.config.test.json',
    ]);
    const found = await findConfigFiles({ cwd, environment: 'production' });
    expect(found.base).toEqual({
      path: join(cwd, 'cachex.config.json'),
      shownName: 'cachex.config.json',
      format: 'json',
    });
    expect(found.overlay).toMatchObject({
      shownName: 'cachex.config.production.yml',
      format: 'yaml',
    });
  });

  it('two base files are an error naming both', async () => {
    const cwd = dirWith(['cachex.config.json', 'cachex.config.yaml']);
    await expect(findConfigFiles({ cwd, environment: 'development' })).rejects.toMatchObject({
      code: errorCodes.config,
      message: expect.stringMatching(/cachex\.config\.json, cachex\.config\.yaml/),
    });
  });

  it('two overlays for one environment are an error naming both', async () => {
    const cwd = dirWith(['cachex.config.test.yaml', 'cachex.config.test.yml']);
    await expect(findConfigFiles({ cwd, environment: 'test' })).rejects.toThrow(
      /"test" config files: cachex\.config\.test\.yaml, cachex\.config\.test\.yml/,
    );
  });

  it('an explicit file must exist', async () => {
    const cwd = dirWith([]);
    await expect(
      findConfigFiles({ cwd, file: 'config/cache.json', environment: 'development' }),
    ).rejects.toMatchObject({
      code: errorCodes.config,
      message: expect.stringContaining('config/cache.json (option "file") does not exist'),
      context: expect.objectContaining({ reason: 'file-not-found' }),
    });
  });

  it('an explicit file must have a known extension', async () => {
    const cwd = dirWith(['cache.toml']);
    await expect(
      findConfigFiles({ cwd, file: 'cache.toml', environment: 'development' }),
    ).rejects.toThrow(/must end in \.json, \.yaml, \.yml/);
  });

  it("an explicit file's overlay sits next to it", async () => {
    const cwd = dirWith([]);
    mkdirSync(join(cwd, 'config'));
    writeFileSync(join(cwd, 'config', 'cache.yaml'), '');
    writeFileSync(join(cwd, 'config', 'cache.staging.json'), '');
    writeFileSync(join(cwd, 'cachex.config.json'), '');
    const found = await findConfigFiles({ cwd, file: 'config/cache.yaml', environment: 'staging' });
    expect(found.base?.shownName).toBe(join('config', 'cache.yaml'));
    expect(found.overlay?.shownName).toBe(join('config', 'cache.staging.json'));
  });

  it.each(['../etc', 'a/b', 'prod.json', ''])(
    'refuses the environment name %j, which could point elsewhere',
    async (environment) => {
      await expect(findConfigFiles({ cwd: dirWith([]), environment })).rejects.toMatchObject({
        context: expect.objectContaining({ field: 'environment' }),
      });
    },
  );
});

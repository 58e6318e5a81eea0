import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cache } from '@cachex/core';
import { getTestServers, randomPrefix, runAdminCommand } from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLock, type Lock } from '../src/index.js';

// The README's ```ts examples run as they are written, against the test server: each one is
// written to a module of its own next to this file and imported, so vitest resolves @cachex/*
// to the sources (no build needed). The examples continue each other: a module gets the imports
// of the examples before it, and the `cache` the first one creates. Two substitutions: the test
// server's address for `redis://127.0.0.1:6379`, and a fresh key prefix for `'myapp'`, so the
// examples' fixed keys meet no other test's. The cache stays open for the next examples, so
// `await cache.close();` is left out (it is closed at the end).

const testDir = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(join(testDir, '..', 'README.md'), 'utf8');
const README_ADDRESS = 'redis://127.0.0.1:6379';
const README_PREFIX = "keyPrefix: 'myapp'";

interface Example {
  name: string;
  imports: string[];
  body: string[];
}

/** Every ```ts block of the README, each after its `<!-- example: name -->` marker. */
function readmeExamples(text: string): Example[] {
  const marked = /<!-- example: ([\w-]+) -->\s*```ts\n([\s\S]*?)\n```/g;
  const examples = [...text.matchAll(marked)].map(([, name, code]) => {
    const lines = (code ?? '').split('\n');
    const imports = lines.filter((line) => line.startsWith('import '));
    for (const line of imports) {
      if (!/^import \{[^}]+\} from '[^']+';$/.test(line)) {
        throw new Error(`example ${name}: an import this test cannot merge: ${line}`);
      }
    }
    return { name: name ?? '', imports, body: lines.filter((line) => !imports.includes(line)) };
  });
  expect(examples.length, 'a ```ts block of the README without an example marker').toBe(
    text.match(/^```ts$/gm)?.length,
  );
  return examples;
}

/** The import lines of `examples`, one per module, with the names of all of them. */
function mergeImports(examples: readonly Example[]): string[] {
  const names = new Map<string, Set<string>>();
  for (const line of examples.flatMap((example) => example.imports)) {
    const [, list, from] = /^import \{([^}]+)\} from '([^']+)';$/.exec(line) ?? [];
    const set = names.get(from ?? '') ?? new Set<string>();
    for (const name of (list ?? '').split(',')) if (name.trim()) set.add(name.trim());
    names.set(from ?? '', set);
  }
  return [...names].map(([from, set]) => `import { ${[...set].join(', ')} } from '${from}';`);
}

/**
 * Exports the value of the example's last top-level statement as `last` when that statement is
 * an `await` (a README line such as `await cache.get('config'); // → …`).
 */
function exportLastAwait(body: string[]): string[] {
  const at = body.findLastIndex((line) => /^[A-Za-z]/.test(line));
  if (at < 0 || !body[at]?.startsWith('await ')) return body;
  return body.with(at, `export const last = ${body[at]}`);
}

// Plain, as 'myapp' is: a prefix with a hash tag changes the locks' stored keys (see Keys).
const prefix = randomPrefix({ spread: true });
let dir: string;
let examples: Example[];
let cache: Cache | undefined;

/**
 * Runs example `name` and resolves what it printed with console.log and what it exported: `last`
 * (see {@link exportLastAwait}) and the top-level bindings in `names`.
 */
async function runExample(
  name: string,
  names: readonly string[] = [],
): Promise<{ printed: string[]; exports: Record<string, unknown> }> {
  const index = examples.findIndex((example) => example.name === name);
  const example = examples[index];
  if (example === undefined) throw new Error(`README has no example ${name}`);
  let body = example.body
    .filter((line) => line !== 'await cache.close();')
    .map((line) =>
      line
        .replaceAll(README_ADDRESS, getTestServers().standalone.url)
        .replaceAll(README_PREFIX, `keyPrefix: '${prefix}'`),
    );
  const home = examples.find((e) => e.body.some((line) => line.startsWith('const cache = ')));
  const exported = [...names];
  if (example === home) exported.push('cache');
  else body = [`import { cache } from './${home?.name}.ts';`, ...body];
  const source = [
    ...mergeImports(examples.slice(0, index + 1)),
    ...exportLastAwait(body),
    exported.length > 0 ? `export { ${exported.join(', ')} };` : '',
    '',
  ].join('\n');
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const exports = (await import(file)) as Record<string, unknown>;
    if (example === home) cache = exports.cache as Cache;
    return { printed: log.mock.calls.map((args) => args.join(' ')), exports };
  } finally {
    log.mockRestore();
  }
}

/** Deletes the keys of `match` on the standalone test server. */
async function deleteKeys(match: string): Promise<void> {
  const { standalone } = getTestServers();
  let cursor = '0';
  do {
    const [next, keys] = (await runAdminCommand(
      standalone,
      'SCAN',
      cursor,
      'MATCH',
      match,
      'COUNT',
      '1000',
    )) as [string, string[]];
    if (keys.length > 0) await runAdminCommand(standalone, 'DEL', ...keys);
    cursor = String(next);
  } while (cursor !== '0');
}

/** Whether anyone holds lock `key` of the README's cache. */
const held = (key: string) => createLock(cache as Cache, key).locked();

beforeAll(() => {
  examples = readmeExamples(readme);
  dir = mkdtempSync(join(testDir, '.readme-examples-'));
});

afterAll(async () => {
  await cache?.close();
  await deleteKeys(`${prefix}:*`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README examples', () => {
  it('are the ones this test runs, in order, and use the address and prefix it replaces', () => {
    expect(examples.map((example) => example.name)).toEqual([
      'acquire',
      'await-using',
      'with-lock',
      'fencing',
    ]);
    const first = examples[0]?.body.join('\n') ?? '';
    expect(first).toContain(`'${README_ADDRESS}/0'`);
    expect(first).toContain(README_PREFIX);
  });

  it('acquire and release: holder #1, then a non-blocking and a patient lock (tokens 2 and 3); nothing held after', async () => {
    const { printed, exports } = await runExample('acquire', ['fencingToken', 'quick', 'patient']);
    expect(printed).toEqual(['building the report as holder #1']);
    expect(exports.fencingToken).toBe(1);
    expect((exports.quick as Lock).fencingToken).toBe(2);
    expect((exports.patient as Lock).fencingToken).toBe(3);
    expect(await held('nightly-report')).toBe(false);
    // The lock key and its fencing counter, under the cache's prefix and version.
    const { standalone } = getTestServers();
    expect(
      String(await runAdminCommand(standalone, 'GET', `${prefix}:1:{nightly-report}:fence`)),
    ).toBe('3');
  });

  it('await using: the block stored its fencing token, and the lock is released when it ends', async () => {
    const { exports } = await runExample('await-using');
    expect(exports).toHaveProperty('last', undefined);
    const stored = await (cache as Cache).get<{ builtBy: number; at: number }>('search-index');
    expect(stored).toEqual({ builtBy: 1, at: expect.any(Number) });
    expect(await held('search-index')).toBe(false);
  });

  it('withLock with autoExtend: 5 s of work under a 1 s lease resolves fn’s value, then releases', async () => {
    const { exports } = await runExample('with-lock', ['report']);
    // The 4th holder of nightly-report (after the first example's three). Resolving at all
    // shows the lease was extended: without it the release would find the lock gone.
    expect(exports.report).toEqual({ fencingToken: 4, done: true });
    expect(await held('nightly-report')).toBe(false);
  }, 30_000);

  it('fencing tokens: the store refuses the write of the holder whose lease ran out', async () => {
    await expect(runExample('fencing')).rejects.toThrow(new Error('stale holder: token 1 < 2'));
    expect(await held('report')).toBe(false);
  });
});

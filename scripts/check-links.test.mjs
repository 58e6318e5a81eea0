// Tests of scripts/check-links.mjs: node --test scripts/check-links.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  anchorsOf,
  checkRepository,
  codeSpanPaths,
  markdownLinks,
  slugify,
  sourceLinks,
} from './check-links.mjs';

const script = fileURLToPath(new URL('./check-links.mjs', import.meta.url));
const repoRoot = dirname(dirname(script));
const fixtures = [];

/** A directory outside any git repository holding `files` (path → contents). */
function fixture(files) {
  const root = mkdtempSync(join(tmpdir(), 'cachex-links-'));
  fixtures.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const run = (root) =>
  spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8', cwd: root });

after(() => {
  for (const root of fixtures) rmSync(root, { recursive: true, force: true });
});

describe('slugify (GitHub anchors)', () => {
  it('lower-cases, drops punctuation but - and _, and turns spaces into -', () => {
    assert.equal(
      slugify('Wire format (Django-compatible, no header bytes)'),
      'wire-format-django-compatible-no-header-bytes',
    );
    assert.equal(
      slugify('`createCache(config?)` and `maxConnections`'),
      'createcacheconfig-and-maxconnections',
    );
    assert.equal(
      slugify('Fail-open: what each method returns'),
      'fail-open-what-each-method-returns',
    );
    assert.equal(slugify('The [lock](./locks.md) API'), 'the-lock-api');
    assert.equal(slugify('snake_case names'), 'snake_case-names');
  });

  it('numbers repeated headings and skips headings inside code blocks', () => {
    const anchors = anchorsOf(
      '# A\n\n## Speed\n\n```md\n## Hidden\n```\n\n### Speed\n\nSetext\n------\n',
    );
    assert.deepEqual([...anchors].sort(), ['a', 'setext', 'speed', 'speed-1']);
  });
});

describe('markdownLinks', () => {
  it('finds inline links, images, reference definitions and HTML links, not code', () => {
    const text = [
      'See [a](a.md#x "title") and ![img](img/p.png).',
      '`[not](code.md)` and <a href="docs/b.md">b</a>',
      '[ref]: ./c.md',
      '```',
      '[inside](fence.md)',
      '```',
    ].join('\n');
    assert.deepEqual(
      markdownLinks(text).map(({ target, line }) => `${line}:${target}`),
      ['1:a.md#x', '1:img/p.png', '2:docs/b.md', '3:./c.md'],
    );
  });
});

describe('codeSpanPaths', () => {
  it('takes code spans that look like file paths, not globs, placeholders or code', () => {
    const text = [
      'See `docs/a.md`, `packages/*/src/x.ts`, `cache.<env>.json`, `a.md` and `node:zlib`.',
      '`../README.md` and `cache.get(key)`',
      '```',
      '`docs/in-fence.md`',
      '```',
    ].join('\n');
    assert.deepEqual(
      codeSpanPaths(text).map(({ path, line }) => `${line}:${path}`),
      ['1:docs/a.md', '2:../README.md'],
    );
  });
});

describe('sourceLinks', () => {
  it('finds relative {@link} targets and Markdown links in comments only', () => {
    const text = [
      '/** See {@link ./readme.md} and [docs](../../docs/x.md). */',
      "const s = '](./not-a-comment.md)';",
      ' * {@link Cache} is not a path',
    ].join('\n');
    assert.deepEqual(
      sourceLinks(text).map(({ target, line }) => `${line}:${target}`),
      ['1:./readme.md', '1:../../docs/x.md'],
    );
  });
});

describe('check-links on a fixture', () => {
  it('passes when every link resolves, printing the summary', () => {
    const root = fixture({
      'README.md':
        '# Top\n\n[docs](docs/README.md), [codecs](docs/codecs.md#wire-format), [web](https://example.com)\n',
      'docs/README.md':
        '# Docs\n\n[back](../README.md#top) [dir](../packages/core) [self](#docs)\n',
      'docs/codecs.md': '# Codecs\n\n## Wire format\n',
      'packages/core/src/index.ts': '/** {@link ../../../docs/codecs.md} */\nexport {};\n',
    });
    const result = run(root);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^links: 6 checked in 4 files, 0 broken/m);
  });

  it('fails on a missing file, an outside link, a missing anchor and an outside mention', () => {
    const outside = ['..', '/shared/notes.md'].join('');
    const design = ['DESIGN', '.md'].join('');
    const root = fixture({
      'README.md': [
        '# Top',
        '',
        '[gone](docs/gone.md)',
        `[outside](${outside})`,
        '[anchor](docs/a.md#nowhere)',
        `As ${design} says.`,
      ].join('\n'),
      'docs/a.md': '# A\n',
      'packages/x/src/y.ts': '// {@link ./missing.ts}\n',
    });
    const result = run(root);
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      'README.md:3: no such file or directory: docs/gone.md',
      `README.md:4: mentions "${['..', '/shared'].join('')}", which is not in the repository: state the fact itself`,
      `README.md:4: points outside the repository: ${outside}`,
      'README.md:5: no heading #nowhere in docs/a.md: docs/a.md#nowhere',
      `README.md:6: mentions "${design}", which is not in the repository: state the fact itself`,
      'packages/x/src/y.ts:1: no such file or directory: ./missing.ts',
    ]);
    assert.match(result.stdout, /^links: 4 checked in 3 files, 6 broken/m);
  });

  it('fails on a code span naming a repository file that does not exist', () => {
    const root = fixture({
      'README.md': '# Top\n\nSee `docs/old.md` and `docs/a.md`; `config/cache.json` is yours.\n',
      'docs/a.md': '# A\n',
      'packages/p/README.md': 'Run `scripts/measure.mjs` or `scripts/gone.mjs`.\n',
      'packages/p/scripts/measure.mjs': '\n',
    });
    const result = run(root);
    assert.equal(result.status, 1);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      'README.md:3: names a file that does not exist: docs/old.md',
      'packages/p/README.md:1: names a file that does not exist: scripts/gone.mjs',
    ]);
    assert.match(result.stdout, /4 file paths in code spans checked/);
  });

  it('ignores .changeset/', () => {
    const root = fixture({
      'README.md': '# Top\n',
      '.changeset/x.md': '[gone](nowhere.md)\n',
    });
    assert.equal(run(root).status, 0);
  });
});

describe('check-links on this repository', () => {
  it('finds nothing broken', () => {
    const { problems, checked } = checkRepository(repoRoot);
    assert.deepEqual(problems, []);
    assert.ok(checked > 0);
  });
});

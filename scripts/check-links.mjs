#!/usr/bin/env node
// Checks that the repository's documentation stands on its own:
//
// - every relative link in a Markdown file (inline links, images, reference definitions, HTML
//   `href`/`src`) points to a file or directory inside the repository that is in it (not only
//   on this disk, like `dist/`), and a `#anchor` to a heading that exists (GitHub's slugs);
// - every repository path a Markdown file names as inline code (`docs/x.md`) exists, relative
//   to the file or to the root;
// - every relative `{@link ./…}` or Markdown link in a comment of `packages/*/src/**/*.ts` does
//   too;
// - no text file mentions documents that live outside the repository (the list is below).
//
// Absolute `http(s)://` links are allowed and not fetched (CI has no network). `.changeset/`
// is left out: its files are consumed by the release tooling, then deleted.
//
// Usage: node scripts/check-links.mjs [--root <dir>]
// Exit code 1, with one `file:line: reason` line per problem, when anything is broken.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Mentions of documents kept outside the repository: a reader of the repository cannot follow
 * them. Built from pieces so that this file does not match itself.
 */
export const FORBIDDEN_MENTIONS = [
  ['..', '/shared'].join(''),
  ['DESIGN', '.md'].join(''),
  ['DESIGN', ' §'].join(''),
  ['django-cachex-behaviour', '.md'].join(''),
];

/** Directories never scanned when the file list does not come from git. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'dist', '.turbo', 'coverage', '.tmp']);

/** The files to check, relative to `root`, with `/` separators. */
export function listFiles(root) {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    // Tracked files deleted in the work tree are still listed by --cached.
    return {
      files: out.split('\0').filter((file) => file !== '' && existsSync(join(root, file))),
      fromGit: true,
    };
  } catch {
    return { files: walk(root, ''), fromGit: false };
  }
}

function walk(root, dir) {
  const files = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...walk(root, path));
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
  return files;
}

const isExcluded = (file) => file.startsWith('.changeset/');
const isMarkdown = (file) => /\.(md|markdown)$/i.test(file);
const isSourceTs = (file) => /^packages\/[^/]+\/src\/.+\.ts$/.test(file);

/**
 * GitHub's anchor for a heading: the rendered text, lower-cased, without punctuation other
 * than `-` and `_`, spaces as `-`. Repeated slugs get `-1`, `-2`… (done by the caller).
 */
export function slugify(heading) {
  const text = heading
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images: alt text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links: their text
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1') // reference links
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*~]/g, '') // code and emphasis markers
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Splits a Markdown text into lines, blanking fenced code blocks (line numbers are kept). */
function proseLines(text) {
  const lines = text.split(/\r?\n/);
  let fence;
  return lines.map((line) => {
    const marker = line.match(/^ {0,3}(`{3,}|~{3,})/);
    if (fence !== undefined) {
      if (marker && marker[1][0] === fence[0] && marker[1].length >= fence.length) {
        fence = undefined;
      }
      return '';
    }
    if (marker) {
      fence = marker[1];
      return '';
    }
    return line;
  });
}

/** Removes inline code spans, keeping the line's length meaningless but its links intact. */
const withoutCodeSpans = (line) => line.replace(/(`+)(?:(?!\1).)+?\1/g, '');

/** The anchors a Markdown file offers: heading slugs (deduplicated as GitHub does) and HTML ids. */
export function anchorsOf(text) {
  const anchors = new Set();
  const counts = new Map();
  const add = (slug) => {
    const n = counts.get(slug) ?? 0;
    counts.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  };
  const lines = proseLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const atx = line.match(/^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/);
    if (atx) {
      add(slugify(atx[1]));
    } else if (
      line.trim() !== '' &&
      !/^\s*([|>#*+-]|\d+[.)])/.test(line) &&
      /^ {0,3}(=+|-+)\s*$/.test(lines[i + 1] ?? '')
    ) {
      add(slugify(line)); // a setext heading: text underlined with === or ---
    }
    for (const match of line.matchAll(/<a\s[^>]*(?:name|id)\s*=\s*["']([^"']+)["']/gi)) {
      anchors.add(match[1]);
    }
  }
  return anchors;
}

/** Every link target of a Markdown text, with its 1-based line. */
export function markdownLinks(text) {
  const links = [];
  const lines = proseLines(text);
  lines.forEach((raw, index) => {
    const line = withoutCodeSpans(raw);
    const at = index + 1;
    // Inline links and images: [text](target "title"), [text](<target>).
    for (const match of line.matchAll(/\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)/g)) {
      const target = match[1].startsWith('<') ? match[1].slice(1, -1) : match[1];
      links.push({ target, line: at });
    }
    // Reference definitions: [label]: target
    const definition = line.match(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/);
    if (definition) {
      const target = definition[1].startsWith('<') ? definition[1].slice(1, -1) : definition[1];
      links.push({ target, line: at });
    }
    // HTML attributes.
    for (const match of line.matchAll(
      /<(?:a|img|source)\s[^>]*?(?:href|src)\s*=\s*["']([^"']*)["']/gi,
    )) {
      links.push({ target: match[1], line: at });
    }
  });
  return links;
}

/** Relative link targets in the comments of a TypeScript file, with their 1-based line. */
export function sourceLinks(text) {
  const links = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!/^\s*(\/\/|\/\*|\*)/.test(line)) return;
    for (const match of line.matchAll(/\{@link(?:code|plain)?\s+(\.{1,2}\/[^\s|}]+)/g)) {
      links.push({ target: match[1], line: index + 1 });
    }
    for (const match of line.matchAll(/\]\((\.{1,2}\/[^\s)]+)\)/g)) {
      links.push({ target: match[1], line: index + 1 });
    }
  });
  return links;
}

/**
 * Repository paths written as inline code in a Markdown text (`` `docs/x.md` ``), with their
 * 1-based line: a path of at least two segments ending in a file extension, without globs or
 * placeholders. Prose names files this way as often as it links them.
 */
export function codeSpanPaths(text) {
  const paths = [];
  proseLines(text).forEach((line, index) => {
    for (const match of line.matchAll(/(`+)((?:(?!\1).)+?)\1/g)) {
      const path = match[2].trim();
      if (/^(\.{1,2}\/)*[\w@.-]+(\/[\w@.-]+)+\.[A-Za-z0-9]+$/.test(path)) {
        paths.push({ path, line: index + 1 });
      }
    }
  });
  return paths;
}

const isExternal = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

function decode(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A file is text when its first 8 KB hold no NUL byte. */
function readText(path) {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  return bytes.toString('utf8');
}

/**
 * Checks the repository at `root`. Returns the problems (`{ file, line, reason }`, sorted), how
 * many links were checked (`checked`) and left unfetched (`external`), how many code-span paths
 * were checked (`codePaths`), how many files had links (`linkFiles`) and how many text files were
 * scanned for outside references (`textFiles`).
 */
export function checkRepository(root) {
  const absoluteRoot = resolve(root);
  const { files, fromGit } = listFiles(absoluteRoot);
  const listed = new Set(files);
  const listedDirs = new Set();
  for (const file of files) {
    for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) listedDirs.add(dir);
  }
  const anchorCache = new Map();
  const anchors = (file) => {
    if (!anchorCache.has(file)) {
      anchorCache.set(file, anchorsOf(readFileSync(join(absoluteRoot, file), 'utf8')));
    }
    return anchorCache.get(file);
  };

  const problems = [];
  let checked = 0;
  let external = 0;
  let linkFiles = 0;
  let codePaths = 0;
  let textFiles = 0;

  const checkLink = (file, { target, line }) => {
    const report = (reason) => problems.push({ file, line, reason: `${reason}: ${target}` });
    if (target === '' || isExternal(target)) {
      if (target !== '') external++;
      return;
    }
    checked++;
    const hashAt = target.indexOf('#');
    const pathPart = (hashAt === -1 ? target : target.slice(0, hashAt)).replace(/\?.*$/, '');
    const anchor = hashAt === -1 ? undefined : decode(target.slice(hashAt + 1));
    let resolved = file;
    if (pathPart !== '') {
      const absolute = pathPart.startsWith('/')
        ? join(absoluteRoot, decode(pathPart))
        : resolve(absoluteRoot, dirname(file), decode(pathPart));
      const rel = relative(absoluteRoot, absolute);
      if (rel.startsWith('..') || resolve(absoluteRoot, rel) !== absolute) {
        report('points outside the repository');
        return;
      }
      resolved = rel.split(sep).join('/');
      if (resolved === '') resolved = '.';
      if (!existsSync(absolute)) {
        report('no such file or directory');
        return;
      }
      const isDir = statSync(absolute).isDirectory();
      if (
        fromGit &&
        resolved !== '.' &&
        !(isDir ? listedDirs.has(resolved) : listed.has(resolved))
      ) {
        report('exists here but is not in the repository (ignored or generated)');
        return;
      }
      if (isDir) {
        if (anchor !== undefined) report('an anchor on a directory');
        return;
      }
    }
    if (anchor !== undefined && anchor !== '' && isMarkdown(resolved)) {
      if (!anchors(resolved).has(anchor)) report(`no heading #${anchor} in ${resolved}`);
    }
  };

  for (const file of files) {
    if (isExcluded(file)) continue;
    const text = readText(join(absoluteRoot, file));
    if (text === undefined) continue;
    textFiles++;
    text.split(/\r?\n/).forEach((line, index) => {
      for (const mention of FORBIDDEN_MENTIONS) {
        if (line.includes(mention)) {
          problems.push({
            file,
            line: index + 1,
            reason: `mentions "${mention}", which is not in the repository: state the fact itself`,
          });
        }
      }
    });
    if (isMarkdown(file)) {
      linkFiles++;
      for (const link of markdownLinks(text)) checkLink(file, link);
      for (const { path, line } of codeSpanPaths(text)) {
        // Only paths whose first directory exists next to the file or at the root are meant as
        // paths of this repository (`config/cache.json` in an example is the reader's file).
        const first = path.replace(/^(\.{1,2}\/)+/, '').split('/')[0];
        const bases = [join(absoluteRoot, dirname(file)), absoluteRoot];
        const meant = path.startsWith('.') || bases.some((base) => existsSync(join(base, first)));
        if (!meant) continue;
        codePaths++;
        if (!bases.some((base) => existsSync(join(base, path)))) {
          problems.push({ file, line, reason: `names a file that does not exist: ${path}` });
        }
      }
    } else if (isSourceTs(file)) {
      const links = sourceLinks(text);
      if (links.length > 0) linkFiles++;
      for (const link of links) checkLink(file, link);
    }
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { problems, checked, external, codePaths, linkFiles, textFiles };
}

function main(argv) {
  const rootFlag = argv.indexOf('--root');
  let root = rootFlag === -1 ? undefined : argv[rootFlag + 1];
  if (root === undefined) {
    try {
      root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      root = process.cwd();
    }
  }
  const { problems, checked, external, codePaths, linkFiles, textFiles } = checkRepository(root);
  for (const { file, line, reason } of problems) console.error(`${file}:${line}: ${reason}`);
  console.log(
    `links: ${checked} checked in ${linkFiles} files, ${problems.length} broken ` +
      `(${external} external links not fetched; ${codePaths} file paths in code spans checked; ` +
      `${textFiles} text files scanned for outside references)`,
  );
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

#!/usr/bin/env node
// Checks the tarballs `pnpm pack` made, as npm would publish them:
//
//   node scripts/consumer/check-tarballs.mjs <tarballDir> <scratchDir>
//
// Prints one `PASS <check>` or `FAIL <check>: <which packages, why>` line per check (over every
// tarball) and exits 1 when a check fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const [tarballDir, scratchDir] = process.argv.slice(2);
if (tarballDir === undefined || scratchDir === undefined) {
  console.error('usage: check-tarballs.mjs <tarballDir> <scratchDir>');
  process.exit(2);
}

/** Every file under `dir`, relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, base) : [relative(base, path)];
  });
}

const packages = readdirSync(tarballDir)
  .filter((file) => file.endsWith('.tgz'))
  .sort()
  .map((file) => {
    const dir = join(scratchDir, file.replace(/\.tgz$/, ''));
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', join(tarballDir, file), '-C', dir]);
    const root = join(dir, 'package');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const readme = existsSync(join(root, 'README.md'))
      ? readFileSync(join(root, 'README.md'), 'utf8')
      : undefined;
    return { file, root, manifest, readme, files: walk(root) };
  });
const published = new Set(packages.map(({ manifest }) => manifest.name));

let failed = false;
/** One line for `check`: PASS, or FAIL with every problem found. */
function report(check, problems) {
  if (problems.length === 0) {
    console.log(`PASS ${check}`);
  } else {
    failed = true;
    console.log(`FAIL ${check}: ${problems.join('; ')}`);
  }
}

/** Every file path in an exports map (conditions and subpaths), and main/module/types. */
function exportTargets(manifest) {
  const targets = [manifest.main, manifest.module, manifest.types].filter(Boolean);
  const visit = (node) => {
    if (typeof node === 'string') targets.push(node);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(manifest.exports);
  return [...new Set(targets)];
}

// What `import`, `require` and TypeScript resolve must be in the tarball (a build that was
// interrupted or still running leaves declarations out).
report(
  'every file the manifest points to (exports, main, types) is in the tarball',
  packages.flatMap(({ root, manifest }) => {
    const missing = exportTargets(manifest).filter((target) => !existsSync(join(root, target)));
    return missing.length === 0 ? [] : [`${manifest.name} lacks ${missing.join(', ')}`];
  }),
);

// A LICENSE file with the MIT text, and the manifest saying MIT.
report(
  'LICENSE (MIT) in every tarball',
  packages.flatMap(({ root, manifest }) => {
    const path = join(root, 'LICENSE');
    if (!existsSync(path)) return [`${manifest.name} has no LICENSE`];
    const text = readFileSync(path, 'utf8');
    if (!text.startsWith('MIT License') || manifest.license !== 'MIT') {
      return [`${manifest.name}: LICENSE or "license" is not MIT`];
    }
    return [];
  }),
);

// Links in a README shown on npmjs.com must be absolute: a relative one resolves on npm's site.
const RELATIVE_LINKS = [
  /\]\((?!https?:|mailto:|#)([^)\s]+)/g, // inline links and images
  /^\s*\[[^\]]+\]:\s*(?!https?:|mailto:|#)(\S+)/gm, // reference definitions
  /(?:href|src)="(?!https?:|mailto:|#)([^"]+)"/g, // HTML
];
report(
  'README links are absolute (they work on npmjs.com)',
  packages.flatMap(({ manifest, readme }) => {
    if (readme === undefined) return [`${manifest.name} has no README.md`];
    const links = RELATIVE_LINKS.flatMap((pattern) =>
      [...readme.matchAll(pattern)].map((match) => match[1]),
    );
    return links.length === 0 ? [] : [`${manifest.name} links ${[...new Set(links)].join(', ')}`];
  }),
);

report(
  'README install lines for npm, pnpm and yarn',
  packages.flatMap(({ manifest, readme }) => {
    const missing = ['npm install', 'pnpm add', 'yarn add'].filter(
      (command) =>
        !new RegExp(`^${command} .*${manifest.name.replace('/', '\\/')}(\\s|$)`, 'm').test(
          readme ?? '',
        ),
    );
    return missing.length === 0 ? [] : [`${manifest.name} lacks ${missing.join(', ')}`];
  }),
);

// What npm shows and resolves: no devDependencies (they name private packages), no workspace:
// ranges, no dependency on a package that is not published, and the links npm shows.
report(
  'manifests: no devDependencies, workspace: ranges or unpublished @cachex packages',
  packages.flatMap(({ manifest }) => {
    const problems = [];
    if (manifest.devDependencies !== undefined) {
      problems.push(
        `${manifest.name} lists devDependencies (${Object.keys(manifest.devDependencies).join(', ')})`,
      );
    }
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) {
          problems.push(`${manifest.name} ${field}.${name} is ${range}`);
        }
        if (name.startsWith('@cachex/') && !published.has(name)) {
          problems.push(`${manifest.name} ${field} names ${name}, which is not published`);
        }
      }
    }
    return problems;
  }),
);

report(
  'manifests: repository, homepage and bugs',
  packages.flatMap(({ manifest }) => {
    const missing = ['repository', 'homepage', 'bugs'].filter(
      (field) => manifest[field] === undefined,
    );
    return missing.length === 0 ? [] : [`${manifest.name} lacks ${missing.join(', ')}`];
  }),
);

// Source maps, when shipped, must not record the build machine's paths.
report(
  'source maps name no node_modules/.pnpm or absolute paths',
  packages.flatMap(({ root, manifest, files }) =>
    files
      .filter((file) => file.endsWith('.map'))
      .flatMap((file) => {
        const { sources = [] } = JSON.parse(readFileSync(join(root, file), 'utf8'));
        const bad = sources.filter(
          (source) => source.includes('node_modules') || /^(\/|[A-Za-z]:)/.test(source),
        );
        return bad.length === 0 ? [] : [`${manifest.name} ${file}: ${bad[0]}`];
      }),
  ),
);

// A peer range that admits exactly one version (`^0.0.13`, `1.2.3`) forces every user onto it
// and refuses the next patch release.
const PINNED = /^(?:\^0\.0\.\d+|=?\d+\.\d+\.\d+)$/;
report(
  'peer dependency ranges admit more than one version',
  packages.flatMap(({ manifest }) =>
    Object.entries(manifest.peerDependencies ?? {})
      .filter(([, range]) =>
        String(range)
          .split('||')
          .every((part) => PINNED.test(part.trim())),
      )
      .map(([name, range]) => `${manifest.name}: ${name}@${range} admits one version`),
  ),
);

console.log(
  `INFO tarballs: ${packages
    .map(
      ({ file, manifest }) =>
        `${manifest.name} ${Math.round(statSync(join(tarballDir, file)).size / 1024)} kB`,
    )
    .join(', ')}`,
);
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// Writes the README examples, as the consumer projects of scripts/consumer-test.sh run them.
//
//   node scripts/consumer/examples.mjs <form> <outDir>
//
// The code is extracted from the READMEs (the fenced block after a marker comment), never
// copied by hand:
//   quick-start      README.md, after `<!-- quick-start -->`
//   memory-transport packages/transport-memory/README.md, after `<!-- example: memory-transport -->`
//
// Two mechanical changes make the documented results observable, and nothing else changes:
// a statement `await x; // result` becomes `console.log(await x); // result`, and every
// `console.log(…); // result` line adds `result` to the expected output (`<name>.expected`).
//
// It also writes the other files of the projects:
//   manifest <projectDir> <name>  package.json: the README's npm install (the ```json block
//                                 after `<!-- npm-overrides -->`)
//   tsconfig <projectDir> <nodenext|bundler>  tsconfig.json of a TypeScript project
//   decls <projectDir>            the declaration checks (see writeDeclarationChecks)
//
// Forms:
//   ts       <name>.ts, as written (TypeScript projects compile them)
//   cjs      <name>.cjs: imports become require() calls, the body runs in an async function
//   esm-iife <name>.mjs: imports kept, the body in an async function (an esbuild --format=cjs
//            bundle cannot hold top-level await)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const EXAMPLES = {
  'quick-start': { file: 'README.md', marker: 'quick-start' },
  'memory-transport': {
    file: 'packages/transport-memory/README.md',
    marker: 'example: memory-transport',
  },
};

/** The fenced block (js or ts, or `languages`) right after `<!-- marker -->` in `file`. */
export function blockAfter(file, marker, languages = 'js|ts') {
  const text = readFileSync(join(root, file), 'utf8');
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fence = `<!-- ${escaped} -->\\s*\`\`\`(?:${languages})\\n([\\s\\S]*?)\\n\`\`\``;
  const match = new RegExp(fence).exec(text);
  if (match?.[1] === undefined) {
    throw new Error(`${file} has no \`\`\`${languages} block after <!-- ${marker} -->`);
  }
  return match[1];
}

/** `await x; // r` → `console.log(await x); // r` (statements that state their result). */
function logStatedResults(code) {
  return code.replace(/^(\s*)await (.+);(\s*\/\/\s*)(.+)$/gm, (line, indent, expr, sep, note) =>
    expr.startsWith('console.log(') ? line : `${indent}console.log(await ${expr});${sep}${note}`,
  );
}

/** The stdout lines the comments promise: `console.log(…); // line`. */
function expectedOutput(code) {
  const lines = [];
  for (const match of code.matchAll(/^\s*console\.log\(.*\);\s*\/\/\s*(.+)$/gm)) {
    lines.push(match[1].trim());
  }
  return lines;
}

const IMPORT = /^import\s+(type\s+)?(\{[^}]*\}|\*\s+as\s+\w+|\w+)\s+from\s+'([^']+)';[ \t]*\n?/gm;

function splitImports(code) {
  const imports = [...code.matchAll(IMPORT)];
  return { imports, body: code.replace(IMPORT, '').trim() };
}

function asyncMain(body) {
  const indented = body
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  return `(async () => {\n${indented}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}

function toCommonJs(code) {
  const { imports, body } = splitImports(code);
  const requires = imports
    .filter((match) => match[1] === undefined)
    .map(([, , what, from]) => {
      const binding = what.startsWith('{')
        ? what.replace(/\s+as\s+/g, ': ')
        : what.replace(/^\*\s+as\s+/, '');
      return `const ${binding} = require('${from}');`;
    });
  return `'use strict';\n${requires.join('\n')}\n\n${asyncMain(body)}`;
}

function toEsmIife(code) {
  const { imports, body } = splitImports(code);
  return `${imports.map((match) => match[0].trimEnd()).join('\n')}\n\n${asyncMain(body)}`;
}

const FORMS = {
  ts: { ext: '.ts', convert: (code) => `${code}\n` },
  cjs: { ext: '.cjs', convert: toCommonJs },
  'esm-iife': { ext: '.mjs', convert: toEsmIife },
};

function writeManifest(outDir, name) {
  const manifest = JSON.parse(blockAfter('README.md', 'npm-overrides', 'json'));
  const out = { name, private: true, type: 'module', ...manifest };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(out, null, 2)}\n`);
}

/** The export paths of the installed @cachex packages (`./package.json` and `./internal` aside). */
function publicEntries(projectDir) {
  const scope = join(projectDir, 'node_modules', '@cachex');
  return readdirSync(scope).flatMap((dir) => {
    const { name, exports = { '.': {} } } = JSON.parse(
      readFileSync(join(scope, dir, 'package.json'), 'utf8'),
    );
    return Object.keys(exports)
      .filter((path) => path !== './package.json' && path !== './internal')
      .map((path) => (path === '.' ? name : `${name}${path.slice(1)}`));
  });
}

/**
 * One program per public entry of the installed @cachex packages, importing its types from an
 * ES module (`import` types) and from a CommonJS one (`require` types), with `types: []` (what
 * TypeScript 7 defaults to, and what `tsc --init` writes) and `skipLibCheck: false`: the
 * declarations must compile without the application's globals. Writes decls/<slug>.{ts,cts} and
 * tsconfig.decls-<slug>.json; prints `<slug> <entry>` per program.
 */
function writeDeclarationChecks(projectDir) {
  mkdirSync(join(projectDir, 'decls'), { recursive: true });
  for (const entry of publicEntries(projectDir)) {
    const slug = entry.replace(/^@/, '').replace(/[/]/g, '-');
    const source = `import type * as api from '${entry}';\n\nexport type Api = typeof api;\n`;
    writeFileSync(join(projectDir, 'decls', `${slug}.ts`), source);
    writeFileSync(join(projectDir, 'decls', `${slug}.cts`), source);
    const tsconfig = {
      compilerOptions: { ...STRICT_OPTIONS, module: 'nodenext', types: [], noEmit: true },
      files: [`decls/${slug}.ts`, `decls/${slug}.cts`],
    };
    writeFileSync(
      join(projectDir, `tsconfig.decls-${slug}.json`),
      `${JSON.stringify(tsconfig, null, 2)}\n`,
    );
    console.log(`${slug} ${entry}`);
  }
}

/** What `tsc --init` of TypeScript 5.9 writes, with skipLibCheck off. */
const STRICT_OPTIONS = {
  target: 'esnext',
  strict: true,
  skipLibCheck: false,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noUncheckedSideEffectImports: true,
  moduleDetection: 'force',
};

/** The application's tsconfig.json: src/ → dist/, Node's types, nodenext or bundler. */
function writeTsconfig(projectDir, resolution) {
  const module =
    resolution === 'bundler'
      ? { module: 'esnext', moduleResolution: 'bundler' }
      : { module: 'nodenext' };
  const tsconfig = {
    compilerOptions: {
      ...STRICT_OPTIONS,
      ...module,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
  writeFileSync(join(projectDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

function main() {
  const [form, outDir, name] = process.argv.slice(2);
  if (form === 'manifest' && outDir !== undefined && name !== undefined) {
    writeManifest(outDir, name);
    return;
  }
  if (form === 'decls' && outDir !== undefined) {
    writeDeclarationChecks(outDir);
    return;
  }
  if (form === 'tsconfig' && outDir !== undefined && (name === 'nodenext' || name === 'bundler')) {
    writeTsconfig(outDir, name);
    return;
  }
  const spec = FORMS[form];
  if (spec === undefined || outDir === undefined) {
    console.error(
      `usage: examples.mjs <${Object.keys(FORMS).join('|')}> <outDir>\n` +
        '       examples.mjs manifest <projectDir> <name>\n' +
        '       examples.mjs tsconfig <projectDir> <nodenext|bundler>\n' +
        '       examples.mjs decls <projectDir>',
    );
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, { file, marker }] of Object.entries(EXAMPLES)) {
    const code = logStatedResults(blockAfter(file, marker));
    const expected = expectedOutput(code);
    if (expected.length === 0) throw new Error(`${file}: the example states no result`);
    writeFileSync(join(outDir, `${name}${spec.ext}`), spec.convert(code));
    writeFileSync(join(outDir, `${name}.expected`), `${expected.join('\n')}\n`);
  }
}

main();

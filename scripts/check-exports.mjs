#!/usr/bin/env node
// After a build: every published package loads through both `require` and `import`, and both
// expose the same named exports.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let failed = 0;
for (const dir of readdirSync('packages')) {
  const pkg = JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8'));
  if (pkg.private) continue;
  const require = createRequire(pathToFileURL(`${process.cwd()}/packages/${dir}/package.json`));
  // The root entry and every subpath entry (e.g. `@cachex/core/internal`).
  const entries = Object.keys(pkg.exports ?? { '.': null })
    .filter((entry) => entry !== './package.json')
    .map((entry) => (entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`));
  for (const name of entries) {
    try {
      const cjs = require(name);
      const esm = await import(pathToFileURL(require.resolve(name).replace(/\.cjs$/, '.js')).href);
      const a = Object.keys(cjs).sort().join(',');
      const b = Object.keys(esm)
        .filter((k) => k !== 'default' && k !== 'module.exports')
        .sort()
        .join(',');
      if (a !== b)
        throw new Error(`require and import expose different names:\n  cjs: ${a}\n  esm: ${b}`);
      console.log(`exports ok: ${name} (${Object.keys(cjs).length} names, require + import)`);
    } catch (error) {
      failed++;
      console.error(`exports FAILED: ${name}: ${error.message}`);
    }
  }
}
process.exit(failed ? 1 : 0);

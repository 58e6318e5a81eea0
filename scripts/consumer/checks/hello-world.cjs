// Run in the hello-world project (the README's package.json, installed with npm):
//   node hello-world.cjs <README.md> <measured MB>
// Every @cachex package must come from a tarball (the registry's @cachex scope is another
// project's), no package may have an install script, msgpackr must not be installed for a
// JSON-only application, and the README must state the size measured. Prints PASS/FAIL lines;
// exits 1 on a failure.
'use strict';
const { existsSync, readFileSync } = require('node:fs');

const [readmeFile, measuredText] = process.argv.slice(2);
let failed = false;
const check = (name, ok, why) => {
  if (!ok) failed = true;
  console.log(ok ? `PASS ${name}` : `FAIL ${name}: ${why}`);
};

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const fromRegistry = Object.entries(lock.packages)
  .filter(([path]) => /node_modules\/@cachex\//.test(path))
  .filter(([, entry]) => !String(entry.resolved).startsWith('file:'))
  .map(([path, entry]) => `${path} from ${entry.resolved}`);
check(
  'every @cachex package comes from a tarball',
  fromRegistry.length === 0,
  fromRegistry.join(', '),
);

const withScripts = Object.entries(lock.packages)
  .filter(([, entry]) => entry.hasInstallScript === true)
  .map(([path]) => path.replace(/^.*node_modules\//, ''));
check(
  'the hello-world install has no install scripts (no native build, no warning)',
  withScripts.length === 0,
  withScripts.join(', '),
);

check(
  'msgpackr (an optional peer) is not installed for a JSON-only hello world',
  !existsSync('node_modules/msgpackr'),
  'node_modules/msgpackr exists',
);

const readme = readFileSync(readmeFile, 'utf8').replace(/\s+/g, ' ');
const stated = /hello world, .*? takes ([\d.]+) MB in `node_modules`/.exec(readme)?.[1];
const measured = Number(measuredText);
check(
  `the README states the hello-world install size (measured ${measured} MB)`,
  stated !== undefined && Math.abs(Number(stated) - measured) <= Math.max(0.5, measured * 0.1),
  stated === undefined ? 'no "takes N MB in `node_modules`" in README.md' : `it says ${stated} MB`,
);
process.exitCode = failed ? 1 : 0;

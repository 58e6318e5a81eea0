#!/usr/bin/env node
// Runs the whole vitest suite (extra arguments are passed on) and prints a summary: counts per
// project and per conformance configuration, then one plain line "tests: N passed, N failed,
// N skipped" that CI reads. Exits with vitest's exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const report = '.tmp/vitest-report.json';
mkdirSync('.tmp', { recursive: true });
const run = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

if (!existsSync(report)) {
  console.error('tests: no report was written (vitest failed before running tests)');
  process.exit(run.status ?? 1);
}
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const groups = new Map();
// Conformance tests a configuration cannot run are registered as `not run here: <name> (<why>)`.
const notRun = [];
const bump = (name, status) => {
  const g = groups.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
  g[status]++;
  groups.set(name, g);
};
for (const file of testResults) {
  const project =
    file.name.match(/(?:packages|apps)\/([^/]+)\//)?.[1] ??
    (file.name.includes('/bench/') ? 'bench' : 'other');
  for (const t of file.assertionResults) {
    const status = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
    totals[status]++;
    bump(`project ${project}`, status);
    const conformance = t.ancestorTitles.find((title) => title.startsWith('Cache conformance: '));
    if (conformance) bump(`project ${project} › ${conformance}`, status);
    if (conformance && t.title.startsWith('not run here: ')) {
      notRun.push(`  ${conformance.slice('Cache conformance: '.length)}: ${t.title.slice(14)}`);
    }
  }
}
console.log('\nTest summary');
for (const [name, g] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(
    `  ${name.padEnd(52)} ${String(g.passed).padStart(4)} passed, ${g.failed} failed, ${g.skipped} skipped`,
  );
}
if (notRun.length > 0) {
  console.log('\nConformance tests not run on a configuration that cannot (each checked as such)');
  for (const line of notRun) console.log(line);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(run.status ?? 1);

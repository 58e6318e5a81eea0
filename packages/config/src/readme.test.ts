import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLocation } from './parse-location.js';

// The "Every URL form" table of the README, between its markers: the README stays true.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const table = readme.split('<!-- url-forms:start -->')[1]?.split('<!-- url-forms:end -->')[0] ?? '';
const rows = table
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = (cell: string | undefined) => /`([^`]*)`/.exec(cell ?? '')?.[1] ?? '';
    return {
      location: code(cells[1]),
      primary: code(cells[2]),
      driver: cells[3],
      replicas: Number(cells[4]),
    };
  });

describe('README URL forms', () => {
  it('has the table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });

  it.each(rows)('$location', ({ location, primary, driver, replicas }) => {
    const parsed = parseLocation(location);
    expect(String(parsed.primary)).toBe(primary);
    expect(parsed.driver).toBe(driver);
    expect(parsed.replicas).toHaveLength(replicas);
  });

  it('decodes the percent-encoded password of the table', () => {
    expect(parseLocation('redis://user:p%40ss%3A%2F%25%23word@h/0').primary.password).toBe(
      'p@ss:/%#word',
    );
  });
});

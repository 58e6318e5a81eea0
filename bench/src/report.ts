import { mkdir, writeFile } from 'node:fs/promises';

/** How a column's numbers are printed (the JSON keeps the raw numbers). */
type ColumnFormat = 'text' | 'us' | 'ms' | 'ops' | 'ratio' | 'bytes' | 'mbps' | 'count';

export interface Column {
  /** Property of each row. */
  key: string;
  label: string;
  format: ColumnFormat;
}

type Cell = string | number;
export type Row = Record<string, Cell>;

/** One section's results: printed as one table, written as one JSON object. */
export interface SectionResult {
  id: string;
  title: string;
  /** What was measured, in one or two lines, printed above the table. */
  description: string;
  columns: Column[];
  rows: Row[];
  /** Settings that matter for reading the numbers (iterations, rounds, concurrency…). */
  settings: Record<string, Cell>;
  /** Wall time of the whole section (warm-up included), filled in by the runner. */
  elapsedMs?: number;
}

/** The whole run, as written to `results/latest.json`. */
export interface RunResult {
  date: string;
  mode: 'quick' | 'default';
  machine: { cpus: number; cpuModel: string; node: string; platform: string; server: string };
  durationMs: number;
  sections: SectionResult[];
}

function formatCell(value: Cell | undefined, format: ColumnFormat): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  switch (format) {
    case 'us':
      return value < 100 ? value.toFixed(1) : value.toFixed(0);
    case 'ms':
      return value.toFixed(value < 10 ? 2 : 1);
    case 'ops':
      return Math.round(value).toLocaleString('en-US');
    case 'ratio':
      return `${value.toFixed(2)}×`;
    case 'bytes':
      return Math.round(value).toLocaleString('en-US');
    case 'mbps':
      return value.toFixed(value < 10 ? 1 : 0);
    case 'count':
      return String(value);
    default:
      return String(value);
  }
}

/** A plain-text table: text left-aligned, numbers right-aligned, as a Markdown table. */
export function renderTable(section: SectionResult): string {
  const header = section.columns.map((c) => c.label);
  const body = section.rows.map((row) =>
    section.columns.map((c) => formatCell(row[c.key], c.format)),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const numeric = section.columns.map((c) => c.format !== 'text');
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  // Separator cells as Biome's Markdown formatter writes them, so a pasted table stays as is.
  const rule = line(widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))));
  const notes = Object.entries(section.settings).map(([k, v]) => `${k}=${v}`);
  if (section.elapsedMs !== undefined)
    notes.push(`took ${(section.elapsedMs / 1000).toFixed(1)} s`);
  return [
    `### ${section.title}`,
    '',
    section.description,
    `(${notes.join(', ')})`,
    '',
    line(header),
    rule,
    ...body.map(line),
    '',
  ].join('\n');
}

/** Writes the run as pretty JSON, creating the folder (gitignored) on first use. */
export async function writeJson(file: URL, run: RunResult): Promise<void> {
  await mkdir(new URL('.', file), { recursive: true });
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
}

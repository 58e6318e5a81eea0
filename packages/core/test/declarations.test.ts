import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The declarations use Node's types (Buffer, node: modules). TypeScript 7 loads no @types
// package unless `types` lists it (its default is `types: []`), so every declaration file, the
// shared chunks included, references Node's types itself, as ioredis' do. The build adds the
// reference (tsup.base.ts); this checks the built files.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(packageDir, 'dist');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('published declarations', () => {
  it('every .d.ts and .d.cts starts with a reference to the types of Node', () => {
    const built = statSync(join(dist, 'index.d.ts'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const sources = Math.max(...files(join(packageDir, 'src')).map((f) => statSync(f).mtimeMs));
    if (built < sources) {
      throw new Error(
        `${dist} is missing or older than src/: run \`pnpm --filter @cachex/core build\``,
      );
    }
    const declarations = files(dist).filter((f) => /\.d\.c?ts$/.test(f));
    expect(declarations.length).toBeGreaterThanOrEqual(4);
    for (const file of declarations) {
      expect(readFileSync(file, 'utf8').split('\n', 1)[0], file).toBe(
        '/// <reference types="node" />',
      );
    }
  });
});

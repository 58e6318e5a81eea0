import type { Profiler } from 'node:inspector';
import { describe, expect, it } from 'vitest';
import { areaOf, summarizeProfile } from './profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
  scriptId: '0',
});

describe('areaOf', () => {
  it.each([
    ['file:///repo/packages/core/dist/index.js', '@cachex/core'],
    ['file:///repo/packages/transport-standalone/dist/chunk-X.js', '@cachex/transport-standalone'],
    [
      'file:///repo/node_modules/.pnpm/ioredis@6.0.0/node_modules/ioredis/built/Redis.js',
      'ioredis',
    ],
    ['file:///repo/node_modules/@scope/pkg/index.js', '@scope/pkg'],
    ['node:events', 'node'],
    ['file:///repo/bench/dist/profile.js', 'bench harness'],
  ])('%s → %s', (url, area) => {
    expect(areaOf(frame('f', url))).toBe(area);
  });

  it('names V8 pseudo-frames by themselves and script-less frames as builtins', () => {
    expect(areaOf(frame('(idle)'))).toBe('(idle)');
    expect(areaOf(frame('(garbage collector)'))).toBe('(garbage collector)');
    expect(areaOf(frame('writeUtf8String'))).toBe('v8 builtins');
  });
});

describe('summarizeProfile', () => {
  // root → run (core) → decode (codecs); root → (idle). A sample's time is the delta to the next
  // sample, so the last one counts for nothing: decode 6 × 100 µs, run 2 × 100 µs, idle 100 µs.
  const profile: Profiler.Profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      {
        id: 2,
        callFrame: frame('run', 'file:///r/packages/core/dist/index.js', 9),
        children: [3],
      },
      { id: 3, callFrame: frame('decode', 'file:///r/packages/codecs/dist/index.js', 41) },
      { id: 4, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    endTime: 1000,
    samples: [3, 3, 3, 3, 3, 3, 2, 2, 4, 4],
    timeDeltas: [0, 100, 100, 100, 100, 100, 100, 100, 100, 100],
  };
  const text = summarizeProfile(profile);

  it('reports the busy share and self time by area, of all samples and of busy ones', () => {
    // 900 µs attributed, 100 µs of it idle.
    expect(text).toContain('busy (not idle)  88.9%');
    expect(text).toMatch(/66\.7%\s+75\.0%\s+@cachex\/codecs/);
    expect(text).toMatch(/22\.2%\s+25\.0%\s+@cachex\/core/);
  });

  it('lists functions by self time with file, line and area', () => {
    expect(text).toContain('75.0%  decode index.js:42 [@cachex/codecs]');
    expect(text).toContain('25.0%  run index.js:10 [@cachex/core]');
  });

  it('draws the call tree top down with total shares, idle left out', () => {
    expect(text).toMatch(/100\.0% run index\.js:10 \[@cachex\/core\]\n\s+75\.0%\s+decode/);
    expect(text.split('Call tree')[1]).not.toContain('(idle)');
  });
});

import * as codecs from '@cachex/codecs';
import * as config from '@cachex/config';
import * as core from '@cachex/core';
import * as lock from '@cachex/lock';
import * as scripts from '@cachex/scripts';
import * as cluster from '@cachex/transport-cluster';
import * as memory from '@cachex/transport-memory';
import * as sentinel from '@cachex/transport-sentinel';
import * as standalone from '@cachex/transport-standalone';
import { describe, expect, it } from 'vitest';
import * as all from '../src/index.js';

const packages: Record<string, Record<string, unknown>> = {
  '@cachex/codecs': codecs,
  '@cachex/config': config,
  '@cachex/core': core,
  '@cachex/lock': lock,
  '@cachex/scripts': scripts,
  '@cachex/transport-cluster': cluster,
  '@cachex/transport-memory': memory,
  '@cachex/transport-sentinel': sentinel,
  '@cachex/transport-standalone': standalone,
};

// The names this package exports under another name (documented in the README).
const renamed: Record<string, Record<string, string>> = {
  '@cachex/core': { createCache: 'createCoreCache' },
};

// What this package adds of its own.
const own = ['createCache', 'createCaches'];

describe('@cachex/all exports', () => {
  it.each(Object.keys(packages))('re-exports every export of %s, as it is', (name) => {
    const module = packages[name]!;
    const missing: string[] = [];
    for (const key of Object.keys(module)) {
      const exported = renamed[name]?.[key] ?? key;
      if ((all as Record<string, unknown>)[exported] !== module[key]) missing.push(key);
    }
    expect(missing).toEqual([]);
  });

  it('exports its own createCache, and core’s as createCoreCache', () => {
    expect(all.createCache).not.toBe(core.createCache);
    expect(all.createCoreCache).toBe(core.createCache);
  });

  it('exports nothing else than the packages’ exports and its own', () => {
    const known = new Set(own);
    for (const [name, module] of Object.entries(packages)) {
      for (const key of Object.keys(module)) known.add(renamed[name]?.[key] ?? key);
    }
    expect(Object.keys(all).filter((key) => !known.has(key))).toEqual([]);
  });

  it('exports one value per name: no two packages export different values under one name', () => {
    const owners = new Map<string, unknown>();
    const clashes: string[] = [];
    for (const [name, module] of Object.entries(packages)) {
      for (const [key, value] of Object.entries(module)) {
        const exported = renamed[name]?.[key] ?? key;
        if (owners.has(exported) && owners.get(exported) !== value) clashes.push(exported);
        owners.set(exported, value);
      }
    }
    for (const key of own) if (owners.has(key)) clashes.push(key);
    expect(clashes).toEqual([]);
  });
});

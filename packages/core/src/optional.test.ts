import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCodes, MissingDependencyError } from './errors.js';
import { createOptionalLoader } from './optional.js';

// A fake install: `<root>/with/node_modules/` holds a working peer and a broken one (it throws
// when loaded); `<root>/without/` has no node_modules at all.
let root: string;
let withPeers: string;
let withoutPeers: string;

function writePackage(dir: string, name: string, body: string): void {
  const pkg = join(dir, 'node_modules', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), body);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cachex-optional-'));
  withPeers = join(root, 'with');
  withoutPeers = join(root, 'without');
  mkdirSync(withoutPeers, { recursive: true });
  writePackage(withPeers, 'cachex-fake-peer', 'module.exports = { answer: 42 };');
  writePackage(withPeers, 'cachex-broken-peer', "throw new Error('the binding did not build');");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function caught(fn: () => unknown): MissingDependencyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MissingDependencyError);
    return error as MissingDependencyError;
  }
  throw new Error('expected a MissingDependencyError');
}

describe('createOptionalLoader', () => {
  // In a CommonJS bundle (esbuild --format=cjs) of an ES module, import.meta.url is undefined;
  // other tools leave '' or a URL that is not a file's.
  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a relative path', 'dist/index.js'],
    ['a URL that is not a file URL', 'https://example.com/index.js'],
  ])('creating a loader anchored at %s does not throw', (_label, anchor) => {
    expect(() => createOptionalLoader(anchor)).not.toThrow();
    expect(() => createOptionalLoader(anchor).lazy('cachex-fake-peer', 'The test')).not.toThrow();
  });

  it('resolves packages from the anchor, given as a file URL or an absolute path', () => {
    const url = pathToFileURL(join(withPeers, 'dist', 'index.js')).href;
    expect(createOptionalLoader(url, null).load('cachex-fake-peer', 'The test')).toEqual({
      answer: 42,
    });
    const path = join(withPeers, 'dist', 'index.js');
    expect(createOptionalLoader(path, null).load('cachex-fake-peer', 'The test')).toEqual({
      answer: 42,
    });
  });

  it('without a usable anchor, resolves through the require of the code around', () => {
    const bundleRequire = vi.fn(createRequire(join(withPeers, 'out.cjs')));
    const loader = createOptionalLoader(undefined, bundleRequire);
    expect(loader.load('cachex-fake-peer', 'The test')).toEqual({ answer: 42 });
    expect(bundleRequire).toHaveBeenCalledWith('cachex-fake-peer');
  });

  it('a package the anchor cannot see is looked up through that require too', () => {
    const anchor = pathToFileURL(join(withoutPeers, 'index.js')).href;
    const loader = createOptionalLoader(anchor, createRequire(join(withPeers, 'out.cjs')));
    expect(loader.load('cachex-fake-peer', 'The test')).toEqual({ answer: 42 });
  });

  it('the anchor comes first: the package that declares the peer resolves it', () => {
    const other = vi.fn(() => ({ answer: 'the wrong copy' }));
    const loader = createOptionalLoader(pathToFileURL(join(withPeers, 'index.js')).href, other);
    expect(loader.load('cachex-fake-peer', 'The test')).toEqual({ answer: 42 });
    expect(other).not.toHaveBeenCalled();
  });

  it('a missing package is a MissingDependencyError naming it, with the first failure as cause', () => {
    const anchor = pathToFileURL(join(withoutPeers, 'index.js')).href;
    const loader = createOptionalLoader(anchor, createRequire(join(withoutPeers, 'out.cjs')));
    const error = caught(() => loader.load('cachex-fake-peer', 'The test feature'));
    expect(error.code).toBe(errorCodes.missingDependency);
    expect(error.message).toContain(
      'The test feature needs the optional package "cachex-fake-peer"',
    );
    expect(error.message).toContain('npm install cachex-fake-peer');
    expect(error.context.package).toBe('cachex-fake-peer');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('MODULE_NOT_FOUND');
  });

  it('a package that is found but fails to load is reported as it is, not looked up again', () => {
    const other = vi.fn(() => ({}));
    const loader = createOptionalLoader(pathToFileURL(join(withPeers, 'index.js')).href, other);
    const error = caught(() => loader.load('cachex-broken-peer', 'The test'));
    expect((error.cause as Error).message).toBe('the binding did not build');
    expect(other).not.toHaveBeenCalled();
  });

  it('with neither an anchor nor a require, still fails with a MissingDependencyError', () => {
    const error = caught(() =>
      createOptionalLoader(undefined, null).load('@cachex/no-such-package', 'The test'),
    );
    expect(error.context.package).toBe('@cachex/no-such-package');
  });

  it('lazy loads once, and remembers a failure', () => {
    const bundleRequire = vi.fn(createRequire(join(withPeers, 'out.cjs')));
    const loader = createOptionalLoader(undefined, bundleRequire);
    const peer = loader.lazy('cachex-fake-peer', 'The test');
    expect(bundleRequire).not.toHaveBeenCalled();
    expect(peer()).toBe(peer());
    expect(bundleRequire).toHaveBeenCalledTimes(1);

    const missing = loader.lazy('cachex-missing-peer', 'The test');
    const first = caught(missing);
    expect(caught(missing)).toBe(first);
  });
});

import { ConfigError } from '@cachex/core';

/** One problem found in a configuration: where the user wrote it, and what is wrong. */
export interface ConfigIssue {
  /** `caches.sessions.options.compressor[1]`; `''` for the input as a whole. */
  readonly path: string;
  /** What is wrong and, when it can tell, how to fix it. Never contains a secret. */
  readonly message: string;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Appends keys and indexes to a path: `joinPath('caches', 'default', 'tls', 'caFile')` is
 * `caches.default.tls.caFile`, `joinPath('compressor', 1)` is `compressor[1]`, and a key that
 * is not a plain name is quoted: `caches["my cache"]`.
 */
export function joinPath(base: string, ...parts: readonly (string | number)[]): string {
  let path = base;
  for (const part of parts) {
    if (typeof part === 'number') path += `[${part}]`;
    else if (!PLAIN_KEY.test(part)) path += `[${JSON.stringify(part)}]`;
    else path = path === '' ? part : `${path}.${part}`;
  }
  return path;
}

/** Collects problems so that one error reports all of them. */
export class IssueList {
  readonly #issues: ConfigIssue[] = [];

  /** Records a problem at `path`. */
  add(path: string, message: string): void {
    this.#issues.push(Object.freeze({ path, message }));
  }

  /** How many problems were recorded so far. */
  get size(): number {
    return this.#issues.length;
  }

  /** Throws one `ConfigError` listing every problem, if there is any. */
  throwIfAny(): void {
    const [first] = this.#issues;
    if (first === undefined) return;
    const count = this.#issues.length;
    const lines = this.#issues.map((issue) => `  - ${issue.path || '<config>'}: ${issue.message}`);
    throw new ConfigError(
      `Invalid cache configuration (${count} ${count === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
      { context: { path: first.path, issues: Object.freeze([...this.#issues]) } },
    );
  }
}

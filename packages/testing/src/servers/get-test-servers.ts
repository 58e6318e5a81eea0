import { inject } from 'vitest';
import { type TestServers, testServersKey } from './test-servers-types.js';

/**
 * The endpoints the global setup started, for use inside tests (any project of the run).
 * Throws, rather than letting a test skip, when the global setup did not run.
 */
export function getTestServers(): TestServers {
  const servers = inject(testServersKey);
  if (servers === undefined || servers === null) {
    throw new Error(
      `[cachex-testing] no test servers were provided: inject('${testServersKey}') is empty. Run tests through the root vitest config (its globalSetup is packages/testing/src/global-setup.ts), e.g. \`pnpm vitest run --project <package>\` from the repository root.`,
    );
  }
  return servers;
}

// Here, not in test-servers-types.ts: that file is part of the vitest-free `./servers` entry.
declare module 'vitest' {
  export interface ProvidedContext {
    cachexServers: TestServers;
  }
}

import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Shared vitest settings: workspace packages resolve to their TypeScript sources, so tests need no build. */
export const sharedConfig: ViteUserConfig = {
  resolve: {
    alias: [
      { find: /^@nashpobench2\/([a-z-]+)\/node$/, replacement: `${root}packages/$1/src/node.ts` },
      { find: /^@nashpobench2\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000 },
};

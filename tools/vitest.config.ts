import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

export default defineConfig({
  ...sharedConfig,
  test: { ...sharedConfig.test, include: ['**/*.test.ts'], exclude: ['**/node_modules/**'] },
});

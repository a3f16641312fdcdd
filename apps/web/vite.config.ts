import { defineConfig } from 'vite';

/** Static build of the explorer: relative asset paths so `nhb web` and any static host can serve it. */
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // On a busy 2-core machine every build would otherwise warn that plugins took most of its time.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});

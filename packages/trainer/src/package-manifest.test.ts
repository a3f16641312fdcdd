import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Relative imports of a source file, resolved to file names in src/. */
function localImports(file: string): string[] {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  const found = [...text.matchAll(/from '(\.\/[^']+)'|import '(\.\/[^']+)'/g)];
  return found.map((m) => (m[1] ?? m[2]).replace(/\.js$/, '.ts'));
}

describe('package manifest', () => {
  it('depends only on the layers below it', () => {
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
    expect(deps.filter((d) => d.startsWith('@nashpobench2/')).sort()).toEqual([
      '@nashpobench2/dataset',
      '@nashpobench2/search-space',
    ]);
  });

  it('keeps the native TensorFlow bindings optional, so installation works without them', () => {
    expect(Object.keys(manifest.optionalDependencies).sort()).toEqual([
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu',
    ]);
    expect(Object.keys(manifest.dependencies)).not.toContain('@tensorflow/tfjs-node-gpu');
  });

  it('has a browser-safe main entry and a ./node entry', () => {
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      import: './dist/index.js',
    });
    expect(manifest.exports['./node']).toEqual({
      types: './dist/node.d.ts',
      import: './dist/node.js',
    });
    expect(manifest.files).toContain('data');
    // Everything the main entry reaches, transitively, must avoid node: modules.
    const seen = new Set<string>();
    const queue = ['./index.ts'];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/from 'node:|import\('node:/);
      const base = file.includes('/wasm-kernels/') ? './wasm-kernels/' : './';
      for (const target of localImports(file)) {
        queue.push(target.startsWith('./') && base !== './' ? base + target.slice(2) : target);
      }
    }
    expect(seen.has('./train-run.ts')).toBe(true);
    expect(readdirSync(new URL('.', import.meta.url)).includes('backend.ts')).toBe(true);
    expect(seen.has('./backend.ts')).toBe(false);
  });
});

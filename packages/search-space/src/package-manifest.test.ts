import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('package manifest', () => {
  it('is the bottom layer: depends on no other workspace package', () => {
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
    expect(deps.filter((d) => d.startsWith('@nashpobench2/'))).toEqual([]);
  });

  it('is an ESM package with an exports map and type declarations', () => {
    expect(manifest.type).toBe('module');
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      import: './dist/index.js',
    });
    expect(manifest.files).toContain('data');
  });
});

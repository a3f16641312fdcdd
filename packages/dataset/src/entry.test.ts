import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

/** Every module reachable from `start` through relative imports, with its bare imports. */
function moduleGraph(start: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [start];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (graph.has(file)) continue;
    const text = readFileSync(new URL(file, import.meta.url), 'utf8');
    const specifiers = [
      ...text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g),
    ].map((match) => match[1] ?? match[2]);
    graph.set(
      file,
      specifiers.filter((s) => !s.startsWith('.')),
    );
    for (const specifier of specifiers.filter((s) => s.startsWith('.')))
      pending.push(
        `./${new URL(specifier.replace(/\.js$/, '.ts'), new URL(file, 'file:///src/')).pathname.slice(5)}`,
      );
  }
  return graph;
}

describe('package entries', () => {
  it('keeps the main entry (queries, Parquet reading, pickle import) free of Node-only imports', () => {
    const graph = moduleGraph('./index.ts');
    expect(graph.size).toBeGreaterThan(10);
    expect(graph.has('./pickle-reader.ts')).toBe(true);
    const builtins = new Set(builtinModules);
    for (const [file, imports] of graph) {
      for (const specifier of imports) {
        const nodeOnly = specifier.startsWith('node:') || builtins.has(specifier);
        expect(nodeOnly, `${file} imports ${specifier}`).toBe(false);
      }
    }
  });

  it('exposes the main entry and the ./node entry in the manifest', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.exports['.'].import).toBe('./dist/index.js');
    expect(manifest.exports['./node'].import).toBe('./dist/node.js');
    expect(manifest.sideEffects).toBe(false);
  });
});

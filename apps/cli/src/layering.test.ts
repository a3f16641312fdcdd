import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The layering of STYLE.md: each workspace package may import only these. */
const ALLOWED: Record<string, string[]> = {
  'search-space': [],
  dataset: ['search-space'],
  trainer: ['search-space', 'dataset'],
  surrogate: ['search-space', 'dataset'],
  optimizers: ['search-space', 'dataset'],
  cli: ['search-space', 'dataset', 'trainer', 'surrogate', 'optimizers'],
  web: ['search-space', 'dataset', 'optimizers'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const workspaces = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => ({ name, dir: join(root, group, name) })),
);

describe('layering', () => {
  it('knows every workspace package', () => {
    expect(workspaces.map((w) => w.name).sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(workspaces)('$name declares and imports only lower layers', ({ name, dir }) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const declared = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter(([dep]) => dep.startsWith('@nashpobench2/'))
      .map(([dep, version]) => {
        expect(version).toMatch(/^workspace:/);
        return dep.slice('@nashpobench2/'.length);
      });
    for (const dep of declared) expect(ALLOWED[name]).toContain(dep);

    const imported = new Set<string>();
    for (const file of sourceFiles(join(dir, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from '@nashpobench2\/([a-z-]+)/g)) imported.add(m[1]);
      for (const m of text.matchAll(/import\('@nashpobench2\/([a-z-]+)/g)) imported.add(m[1]);
    }
    for (const dep of imported) expect(declared, `${name} imports ${dep}`).toContain(dep);
  });
});

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@nashpobench2/dataset/node';
import { BenchmarkSurrogate } from './benchmark-surrogate.js';
import { surrogateFromJSON, surrogateToJSON } from './model-file.js';
import type { Surrogate } from './surrogate.js';

/** File name of the benchmark surrogate inside a model folder written by `nhb surrogate fit`. */
export const SURROGATE_FILE_NAME = 'surrogate.json';

/** Folder of this package's embedded data (`packages/surrogate/data/`). */
export const SURROGATE_DATA_DIRECTORY = fileURLToPath(new URL('../data/', import.meta.url));

/** Writes a surrogate's model file as JSON, atomically (temporary file, fsync, rename). */
export async function saveSurrogateFile(path: string, surrogate: Surrogate): Promise<void> {
  await writeFileAtomic(path, encodeText(surrogateToJSON(surrogate)));
}

/** Reads a surrogate model file written by `saveSurrogateFile` (or any JSON of the same format). */
export async function loadSurrogateFile(path: string): Promise<Surrogate> {
  return surrogateFromJSON(await readFile(path, 'utf8'));
}

/** Writes a benchmark surrogate as JSON, atomically. */
export async function saveBenchmarkSurrogate(
  path: string,
  surrogate: BenchmarkSurrogate,
): Promise<void> {
  await writeFileAtomic(path, encodeText(surrogate.toJSON()));
}

/**
 * Reads a benchmark surrogate from a JSON file, or from a model folder holding
 * `surrogate.json` (what `nhb surrogate fit --out` writes).
 */
export async function loadBenchmarkSurrogate(path: string): Promise<BenchmarkSurrogate> {
  const file = path.endsWith('.json') ? path : join(path, SURROGATE_FILE_NAME);
  return BenchmarkSurrogate.fromJSON(await readFile(file, 'utf8'));
}

/** File name of the surrogate shipped with the default benchmark, in this package's `data/`. */
export const DEFAULT_SURROGATE_FILE = 'default-v1.surrogate.json';

/** Path of the surrogate shipped with the default benchmark, or undefined while none is shipped. */
export function defaultSurrogatePath(): string | undefined {
  const candidate = join(SURROGATE_DATA_DIRECTORY, DEFAULT_SURROGATE_FILE);
  return existsSync(candidate) ? candidate : undefined;
}

function encodeText(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value)}\n`);
}

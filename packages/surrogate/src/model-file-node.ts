import { readFile, rename, writeFile } from 'node:fs/promises';
import { surrogateFromJSON, surrogateToJSON } from './model-file.js';
import type { Surrogate } from './surrogate.js';

/** Writes a surrogate's model file as JSON, atomically (temporary file, then rename). */
export async function saveSurrogateFile(path: string, surrogate: Surrogate): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(surrogateToJSON(surrogate))}\n`);
  await rename(temporary, path);
}

/** Reads a surrogate model file written by `saveSurrogateFile` (or any JSON of the same format). */
export async function loadSurrogateFile(path: string): Promise<Surrogate> {
  return surrogateFromJSON(await readFile(path, 'utf8'));
}

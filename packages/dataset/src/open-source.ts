import type { BenchmarkTables } from './benchmark-tables.js';
import { FormatError, MissingDataError } from './errors.js';
import { readBenchmarkBytes } from './parquet-read.js';
import type { BenchmarkMetadata } from './types.js';

/** Options of `Benchmark.open`. */
export interface OpenOptions {
  /** 'all' (default) loads every column; 'query' skips the loss columns (runs() then throws). */
  columns?: 'all' | 'query';
}

/** Tables and metadata read from a source, before they become a `Benchmark`. */
export interface LoadedBenchmark {
  tables: BenchmarkTables;
  metadata: BenchmarkMetadata;
}

/** Reads a file or folder path; installed by `@nashpobench2/dataset/node`. */
export type PathLoader = (path: string, options: OpenOptions) => Promise<LoadedBenchmark>;
/** Loads the embedded default benchmark; installed by `@nashpobench2/dataset/node` in Node. */
export type DefaultLoader = (options: OpenOptions) => Promise<LoadedBenchmark>;

let pathLoader: PathLoader | undefined;
let defaultLoader: DefaultLoader | undefined;

/** Message given while no default benchmark is embedded in the package. */
export const NO_DEFAULT_MESSAGE =
  'dataset: no embedded benchmark is shipped yet (packages/dataset/data/ holds none); ' +
  'pass a path or URL, for example --data <file.parquet>, or import the official data with ' +
  '`nhb dataset import-official <dir> --out <path>`';

/** Installs the loaders that need Node (called by the `./node` entry on import). */
export function installLoaders(loaders: {
  path?: PathLoader;
  defaultBenchmark?: DefaultLoader;
}): void {
  if (loaders.path) pathLoader = loaders.path;
  if (loaders.defaultBenchmark) defaultLoader = loaders.defaultBenchmark;
}

function looksLikeUrl(text: string): boolean {
  return /^(https?|blob|data):/i.test(text);
}

async function fetchBytes(url: string | URL): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new FormatError(
      `dataset: cannot fetch ${String(url)}: HTTP ${response.status} ${response.statusText}`,
    );
  }
  return response.arrayBuffer();
}

/** Resolves any accepted source to tables and metadata. */
export async function openSource(
  source: string | URL | ArrayBuffer | Uint8Array | undefined,
  options: OpenOptions = {},
): Promise<LoadedBenchmark> {
  if (source === undefined) {
    if (defaultLoader) return defaultLoader(options);
    throw new MissingDataError(NO_DEFAULT_MESSAGE);
  }
  if (source instanceof ArrayBuffer) return readBenchmarkBytes(source, options);
  if (source instanceof Uint8Array) {
    const copy = source.slice().buffer as ArrayBuffer;
    return readBenchmarkBytes(copy, options);
  }
  if (source instanceof URL) {
    if (source.protocol === 'file:' && pathLoader) return pathLoader(source.pathname, options);
    return readBenchmarkBytes(await fetchBytes(source), options);
  }
  if (looksLikeUrl(source)) return readBenchmarkBytes(await fetchBytes(source), options);
  if (pathLoader) return pathLoader(source, options);
  if (typeof window !== 'undefined') return readBenchmarkBytes(await fetchBytes(source), options);
  throw new FormatError(
    `dataset: cannot open path '${source}' without file access; in Node import '@nashpobench2/dataset/node' first`,
  );
}

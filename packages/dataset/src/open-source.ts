import type { BenchmarkTables } from './benchmark-tables.js';
import { FormatError, MissingDataError } from './errors.js';
import { readBenchmarkBytes } from './parquet-read.js';
import type { BenchmarkMetadata } from './types.js';

/** Options of `Benchmark.open`. */
export interface OpenOptions {
  /**
   * 'all' (default) loads every column; 'query' skips the loss, CPU-seconds and spread columns
   * (runs() then throws).
   */
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

/**
 * File name of the embedded default benchmark in the package's `data/` folder: the project's own
 * reduced benchmark (tools/default-benchmark), versioned so a rebuilt one never masquerades as an
 * older one.
 */
export const DEFAULT_BENCHMARK_FILE = 'default-v1.parquet';

/** Message given when the embedded default benchmark cannot be found. */
export const NO_DEFAULT_MESSAGE =
  `dataset: the embedded benchmark (data/${DEFAULT_BENCHMARK_FILE} of @nashpobench2/dataset) is missing; ` +
  'pass a path or URL, for example --data <file.parquet>, or import the official data with ' +
  '`nhb dataset import-official <dir> --out <path>`';

/**
 * URL of the embedded default benchmark next to this module (`../data/` from `dist/`). Bundlers
 * that understand `new URL(..., import.meta.url)` (Vite, webpack 5, esbuild with a loader) ship
 * the file as an asset, so `Benchmark.open()` works in the browser too.
 */
function defaultBenchmarkUrl(): URL {
  // Written out in full (not from DEFAULT_BENCHMARK_FILE) so bundlers can see the asset; a test
  // checks the two agree.
  return new URL('../data/default-v1.parquet', import.meta.url);
}

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
    const url = defaultBenchmarkUrl();
    if (url.protocol === 'file:' || typeof fetch !== 'function') {
      throw new MissingDataError(NO_DEFAULT_MESSAGE);
    }
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new MissingDataError(
        `dataset: cannot fetch the embedded benchmark at ${url.href}: ${(error as Error).message}`,
      );
    }
    if (!response.ok) throw new MissingDataError(`${NO_DEFAULT_MESSAGE} (HTTP ${response.status})`);
    // Servers that answer unknown paths with index.html would otherwise give a Parquet error.
    if (/^text\/html/i.test(response.headers.get('content-type') ?? '')) {
      throw new MissingDataError(`${NO_DEFAULT_MESSAGE} (the server sent an HTML page)`);
    }
    return readBenchmarkBytes(await response.arrayBuffer(), options);
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

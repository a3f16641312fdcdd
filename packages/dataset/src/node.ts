/** Node-only entry: files and folders of part files, atomic writes, the embedded default. */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Benchmark } from './benchmark.js';
import { FormatError, MissingDataError } from './errors.js';
import {
  importOfficialPickles,
  type OfficialImport,
  type OfficialImportOptions,
} from './official-import.js';
import {
  DEFAULT_BENCHMARK_FILE,
  installLoaders,
  type LoadedBenchmark,
  NO_DEFAULT_MESSAGE,
  type OpenOptions,
} from './open-source.js';
import { type BenchmarkPart, readBenchmarkParts } from './parquet-read.js';
import { type EncodeOptions, encodeBenchmark } from './parquet-write.js';
import type { BenchmarkMetadata, LongRecord, RunRecord } from './types.js';
import { type ValidateOptions, type ValidationReport, validateBenchmarkParts } from './validate.js';

export * from './index.js';
export { type BenchmarkPart, readBenchmarkBytes, readBenchmarkParts } from './parquet-read.js';
export { type EncodeOptions, encodeBenchmark } from './parquet-write.js';

/** Compressors for writing in Node: GZIP through node:zlib (SNAPPY is built into the writer). */
export const NODE_COMPRESSORS = { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) };

/** Folder of the package's embedded data (`packages/dataset/data/`). */
export const DATA_DIRECTORY = fileURLToPath(new URL('../data/', import.meta.url));

/** Candidates for the embedded default benchmark, in order: the versioned file shipped in data/. */
export const DEFAULT_BENCHMARK_PATHS = [join(DATA_DIRECTORY, DEFAULT_BENCHMARK_FILE)];

/** Writes bytes to `path` atomically: a temporary file in the same folder, fsync, then rename. */
export async function writeFileAtomic(
  path: string,
  bytes: ArrayBuffer | Uint8Array,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
}

/** Writes a loaded benchmark as one Parquet file, atomically. */
export async function writeBenchmarkFile(
  path: string,
  bench: Benchmark,
  options: EncodeOptions = {},
): Promise<void> {
  const bytes = encodeBenchmark(bench, { compressors: NODE_COMPRESSORS, ...options });
  await writeFileAtomic(path, bytes);
}

/** Writes runs and long values as one Parquet file of FORMAT.md, atomically; validates them first. */
export async function writeBenchmark(
  path: string,
  runs: Iterable<RunRecord>,
  long: Iterable<LongRecord>,
  meta: BenchmarkMetadata,
  options: EncodeOptions = {},
): Promise<void> {
  await writeBenchmarkFile(path, Benchmark.fromRecords(runs, long, meta), options);
}

/**
 * Adds runs (and optionally long values) to a benchmark folder as a new part file, atomically,
 * so an interrupted sweep keeps every part written before. Returns the part's path.
 */
export async function appendRuns(
  folder: string,
  runs: Iterable<RunRecord>,
  meta: BenchmarkMetadata,
  long: Iterable<LongRecord> = [],
  options: EncodeOptions = {},
): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const name = `part-${stamp}-${process.pid}-${randomBytes(3).toString('hex')}.parquet`;
  const path = join(folder, name);
  await writeBenchmark(path, runs, long, meta, options);
  return path;
}

/** Paths of the part files of a benchmark folder (`*.parquet`, sorted by name, hidden files skipped). */
export async function listParts(folder: string): Promise<string[]> {
  const names = await readdir(folder);
  return names
    .filter((name) => name.endsWith('.parquet') && !name.startsWith('.'))
    .sort()
    .map((name) => join(folder, name));
}

async function readPart(path: string): Promise<BenchmarkPart> {
  const buffer = await readFile(path);
  // Large files get their own ArrayBuffer: use it as is instead of copying it.
  const whole = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
  const bytes = whole
    ? (buffer.buffer as ArrayBuffer)
    : (buffer.buffer.slice(
        buffer.byteOffset,
        buffer.byteOffset + buffer.byteLength,
      ) as ArrayBuffer);
  return { name: path, bytes };
}

/** Reads a benchmark file or folder of part files into tables and metadata. */
export async function loadBenchmarkPath(
  path: string,
  options: OpenOptions = {},
): Promise<LoadedBenchmark> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new MissingDataError(`dataset: no benchmark at '${path}' (no such file or folder)`);
  }
  const paths = info.isDirectory() ? await listParts(path) : [path];
  const parts = await Promise.all(paths.map(readPart));
  return readBenchmarkParts(parts, options);
}

/** Opens a benchmark file or folder of part files (same as `Benchmark.open(path)` in Node). */
export async function openBenchmark(path: string, options: OpenOptions = {}): Promise<Benchmark> {
  return Benchmark.open(path, options);
}

/** File names of the authors' published data, as the official API loads them. */
export const OFFICIAL_FILES = ['bench12.pkl', 'cellinfo.pkl', 'avgaccs200.pkl'] as const;

/**
 * Converts the authors' three pickles in `folder` (bench12.pkl, cellinfo.pkl, avgaccs200.pkl) into
 * records of this package's format, reading them with the safe pickle reader (nothing is executed;
 * globals outside the allow-list are refused). The provenance records each file's size and SHA-256.
 */
export async function importOfficial(
  folder: string,
  options: OfficialImportOptions = {},
): Promise<OfficialImport> {
  const bytes: Record<string, Uint8Array> = {};
  const files: { name: string; bytes: number; sha256: string }[] = [];
  for (const name of OFFICIAL_FILES) {
    const path = join(folder, name);
    let buffer: Buffer;
    try {
      buffer = await readFile(path);
    } catch {
      throw new FormatError(
        `dataset: cannot read '${path}'; the folder must hold ${OFFICIAL_FILES.join(', ')}`,
      );
    }
    bytes[name] = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    files.push({
      name,
      bytes: buffer.byteLength,
      sha256: createHash('sha256').update(buffer).digest('hex'),
    });
  }
  return importOfficialPickles(
    {
      bench12: bytes['bench12.pkl'],
      cellinfo: bytes['cellinfo.pkl'],
      avgaccs200: bytes['avgaccs200.pkl'],
    },
    { ...options, provenance: { files, ...options.provenance } },
  );
}

/**
 * Merges benchmark files or folders of part files into one file, atomically. The parts must share
 * their protocol and hold no run twice. Returns the merged benchmark.
 */
export async function mergeBenchmarks(
  sources: readonly string[],
  out: string,
  options: EncodeOptions = {},
): Promise<Benchmark> {
  if (sources.length === 0)
    throw new FormatError('dataset: nothing to merge; name part files or folders');
  const parts: BenchmarkPart[] = [];
  for (const source of sources) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(source);
    } catch {
      throw new MissingDataError(`dataset: no benchmark at '${source}' (no such file or folder)`);
    }
    const paths = info.isDirectory() ? await listParts(source) : [source];
    parts.push(...(await Promise.all(paths.map(readPart))));
  }
  const { tables, metadata } = await readBenchmarkParts(parts);
  const merged = new Benchmark(tables, metadata);
  await writeBenchmarkFile(out, merged, options);
  return merged;
}

/** Validates a benchmark file or folder of part files (see `validateBenchmarkParts`); never throws for bad data. */
export async function validateBenchmarkPath(
  path: string,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  let paths: string[];
  try {
    paths = (await stat(path)).isDirectory() ? await listParts(path) : [path];
  } catch {
    return {
      ok: false,
      errors: [`no benchmark at '${path}' (no such file or folder)`],
      warnings: [],
      parts: 0,
      rows: 0,
    };
  }
  return validateBenchmarkParts(await Promise.all(paths.map(readPart)), options);
}

/** Path of the embedded default benchmark, or undefined while none is shipped. */
export function defaultBenchmarkPath(): string | undefined {
  return DEFAULT_BENCHMARK_PATHS.find((path) => existsSync(path));
}

installLoaders({
  path: loadBenchmarkPath,
  defaultBenchmark: async (options) => {
    const path = defaultBenchmarkPath();
    if (path === undefined) throw new MissingDataError(NO_DEFAULT_MESSAGE);
    return loadBenchmarkPath(path, options);
  },
});

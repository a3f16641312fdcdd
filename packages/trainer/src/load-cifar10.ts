import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { InvalidArgumentError } from '@nashpobench2/search-space';
import {
  CIFAR10_RECORDS_PER_FILE,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  type Cifar10,
  decodeCifarRecords,
} from './cifar10.js';
import { readTar } from './tar-reader.js';

const gunzipAsync = promisify(gunzip);
const cache = new Map<string, Promise<Cifar10>>();

async function readArchiveFiles(path: string): Promise<Map<string, Uint8Array>> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (error) {
      throw new InvalidArgumentError(
        'trainer',
        'archive',
        path,
        `a complete gzip file (${(error as Error).message}; the download is truncated or corrupt)`,
      );
    }
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of readTar(bytes)) files.set(basename(entry.name), entry.data);
  return files;
}

async function readDirectoryFiles(path: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]) {
    try {
      files.set(name, await readFile(join(path, name)));
    } catch {
      // A missing file is reported below with the full list of what is needed.
    }
  }
  return files;
}

async function decode(path: string, recordsPerFile: number | null): Promise<Cifar10> {
  const info = await stat(path).catch(() => null);
  if (!info) {
    throw new InvalidArgumentError(
      'trainer',
      'path',
      path,
      "an existing cifar-10-binary.tar.gz or cifar-10-batches-bin/ folder (download one with 'nhb data cifar10')",
    );
  }
  const files = info.isDirectory() ? await readDirectoryFiles(path) : await readArchiveFiles(path);
  const needed = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const missing = needed.filter((name) => !files.has(name));
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      'trainer',
      'path',
      path,
      `CIFAR-10 binary data holding ${needed.join(', ')}; missing ${missing.join(', ')}`,
    );
  }
  const train = decodeCifarRecords(
    CIFAR10_TRAIN_FILES.map((name) => ({ name, data: files.get(name) as Uint8Array })),
    recordsPerFile,
  );
  const test = decodeCifarRecords(
    [{ name: CIFAR10_TEST_FILE, data: files.get(CIFAR10_TEST_FILE) as Uint8Array }],
    recordsPerFile,
  );
  return { train, test };
}

/** Options of {@link loadCifar10}. */
export interface LoadCifar10Options {
  /**
   * Records every batch file must hold; default 10,000 (the release's); null accepts any whole
   * number of records (small test fixtures).
   */
  readonly recordsPerFile?: number | null;
}

/**
 * Reads CIFAR-10 from the binary release: a `.tar.gz`/`.tar` archive or an extracted
 * `cifar-10-batches-bin/` folder. Checks record counts and sizes and labels; fails clearly on a
 * truncated or wrong file. Decoded arrays are cached per path for the life of the process.
 */
export function loadCifar10(path: string, options: LoadCifar10Options = {}): Promise<Cifar10> {
  const recordsPerFile =
    options.recordsPerFile === undefined ? CIFAR10_RECORDS_PER_FILE : options.recordsPerFile;
  const key = `${resolve(path)}\0${recordsPerFile}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = decode(resolve(path), recordsPerFile);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

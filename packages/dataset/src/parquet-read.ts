import { FormatError } from './errors.js';
import type { LoadedBenchmark, OpenOptions } from './open-source.js';

/** Reads one benchmark Parquet file from its bytes. */
export async function readBenchmarkBytes(
  _bytes: ArrayBuffer,
  _options: OpenOptions,
): Promise<LoadedBenchmark> {
  throw new FormatError('dataset: Parquet reading lands in the next commit');
}

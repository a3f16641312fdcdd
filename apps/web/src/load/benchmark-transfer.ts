import { Benchmark, type BenchmarkMetadata } from '@nashpobench2/dataset';

/**
 * A benchmark in a form `postMessage` can carry between threads: the dense tables (typed arrays,
 * plain arrays) and the metadata. Parsing happens in a worker; the page only rebuilds the object.
 */
export interface TransferableBenchmark {
  /** The dataset package's dense tables, passed through opaquely. */
  readonly tables: Benchmark['tables'];
  /** Format version, protocol and provenance. */
  readonly metadata: BenchmarkMetadata;
}

/** Packs a benchmark for `postMessage`. */
export function packBenchmark(benchmark: Benchmark): TransferableBenchmark {
  return { tables: benchmark.tables, metadata: benchmark.metadata };
}

/** Rebuilds a benchmark on the receiving thread; queries then run synchronously there. */
export function unpackBenchmark(packed: TransferableBenchmark): Benchmark {
  return new Benchmark(packed.tables, packed.metadata);
}

/** The distinct ArrayBuffers behind a packed benchmark, to move them instead of copying. */
export function transferList(packed: TransferableBenchmark): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const value of Object.values(packed.tables as unknown as Record<string, unknown>)) {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
  }
  return [...buffers];
}

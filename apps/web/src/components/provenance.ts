import type { Benchmark } from '@nashpobench2/dataset';

/** Human-readable provenance of a benchmark, one string per fact. */
export interface ProvenanceFacts {
  /** File name and format version. */
  readonly file: string;
  /** Protocol name, version, epochs and seeds. */
  readonly protocol: string;
  /** Where the numbers came from and when the file was written. */
  readonly source: string;
  /** How many runs and long values were measured rather than predicted. */
  readonly measured: string;
  /**
   * Set when the file is the project's own reduced benchmark (written by tools/default-benchmark,
   * which records `defaultBenchmarkVersion` in the provenance): says so, with the protocol and how
   * many runs were trained, so it is never taken for the paper's data.
   */
  readonly ownBenchmark?: string;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

const cache = new WeakMap<Benchmark, ProvenanceFacts>();

/** Summarises metadata and coverage of a benchmark for the provenance line of every view. */
export function describeProvenance(benchmark: Benchmark, label: string): ProvenanceFacts {
  const cached = cache.get(benchmark);
  if (cached?.file.startsWith(label)) return cached;
  const facts = computeFacts(benchmark, label);
  cache.set(benchmark, facts);
  return facts;
}

function computeFacts(benchmark: Benchmark, label: string): ProvenanceFacts {
  const { metadata, protocol } = benchmark;
  const coverage = benchmark.coverage();
  const created = metadata.provenance.createdAt ? `, written ${metadata.provenance.createdAt}` : '';
  const tool = metadata.provenance.tool ? ` by ${metadata.provenance.tool}` : '';
  const predictedRuns = coverage.runs - coverage.measuredRuns;
  const predictedLong = coverage.longRecords - coverage.measuredLongRecords;
  const defaultVersion = metadata.provenance.defaultBenchmarkVersion;
  const ownBenchmark =
    typeof defaultVersion === 'number'
      ? `the project's own reduced benchmark (default v${defaultVersion}), not the paper's data: ` +
        `protocol ${protocol.name}, ${count(coverage.measuredRuns)} runs trained and ` +
        `${count(predictedRuns)} predicted by the surrogate`
      : undefined;

  return {
    file: `${label} (format v${metadata.formatVersion})`,
    protocol:
      `${protocol.name} v${protocol.version}: ${protocol.shortEpochs} / ${protocol.longEpochs} epochs, ` +
      `seeds ${benchmark.seeds.join(', ')}, ${protocol.dataSource}`,
    source: `${metadata.provenance.source}${tool}${created}`,
    measured:
      `${count(coverage.measuredRuns)} measured + ${count(predictedRuns)} predicted runs; ` +
      `${count(coverage.measuredLongRecords)} measured + ${count(predictedLong)} predicted ` +
      `${protocol.longEpochs}-epoch values; ${count(coverage.configurations)} of 196,608 configurations`,
    ownBenchmark,
  };
}

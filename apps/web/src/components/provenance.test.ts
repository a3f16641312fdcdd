import { Benchmark, makeSyntheticRecords } from '@nashpobench2/dataset';
import { describe, expect, it } from 'vitest';
import { describeProvenance } from './provenance.js';

/** Three classes × 48 settings × 2 seeds = 288 runs; the first `trained` of them measured. */
function smallBenchmark(trained: number, provenance: Record<string, unknown>): Benchmark {
  const { runs, long, metadata } = makeSyntheticRecords({
    classes: 3,
    seeds: [222, 555],
    epochs: 2,
    rngSeed: 5,
  });
  const marked = runs.map((run, k) => ({ ...run, measured: k < trained }));
  return Benchmark.fromRecords(marked, long, {
    ...metadata,
    provenance: { ...metadata.provenance, ...provenance },
  });
}

describe('describeProvenance', () => {
  it("names the project's own reduced benchmark with its protocol and trained / predicted runs", () => {
    const source = "the project's own reduced benchmark: 10 runs trained by @nashpobench2/trainer";
    const benchmark = smallBenchmark(10, { source, defaultBenchmarkVersion: 1 });
    const facts = describeProvenance(benchmark, 'default-v1.parquet (embedded)');

    const name = benchmark.protocol.name;
    expect(facts.ownBenchmark).toBe(
      `the project's own reduced benchmark (default v1), not the paper's data: protocol ${name}, ` +
        '10 runs trained and 278 predicted by the surrogate',
    );
    expect(facts.source.startsWith(source)).toBe(true);
    expect(facts.measured.startsWith('10 measured + 278 predicted runs;')).toBe(true);
    expect(facts.file).toBe(
      `default-v1.parquet (embedded) (format v${benchmark.metadata.formatVersion})`,
    );
  });

  it('adds no such line to other benchmarks', () => {
    const facts = describeProvenance(smallBenchmark(288, {}), 'other.parquet');
    expect(facts.ownBenchmark).toBeUndefined();
    expect(facts.measured.startsWith('288 measured + 0 predicted runs;')).toBe(true);
  });
});

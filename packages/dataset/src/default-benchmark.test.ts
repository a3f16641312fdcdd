/**
 * The embedded default benchmark (data/default-v1.parquet, built by tools/default-benchmark):
 * it opens without a path, validates as a complete benchmark, marks measured and predicted values,
 * and its coverage matches what its provenance says was measured.
 */
import { describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { DEFAULT_BENCHMARK_FILE } from './index.js';
import { defaultBenchmarkPath, validateBenchmarkPath } from './node.js';
import type { LongRecord, RunRecord } from './types.js';

const path = defaultBenchmarkPath();
const bench = await Benchmark.open();
const runs: RunRecord[] = [...bench.runs()];
const long: LongRecord[] = [...bench.longRecords()];
const provenance = bench.metadata.provenance as unknown as {
  source: string;
  measured: { shortRuns: number; longValues: number; classes: number };
  timeUnit: string;
};

describe('the embedded default benchmark', () => {
  it('is the versioned file of the package, opened by Benchmark.open() with no path', () => {
    expect(path?.endsWith(`data/${DEFAULT_BENCHMARK_FILE}`)).toBe(true);
    expect(bench.protocol.name).toBe('lite');
    expect(bench.protocol.shortEpochs).toBe(12);
    expect(bench.protocol.longEpochs).toBe(36);
    expect(provenance.source).toMatch(/the project's own reduced benchmark/);
  });

  it('validates as a complete benchmark', async () => {
    const report = await validateBenchmarkPath(path as string, { complete: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
  }, 60_000);

  it('covers all 48,528 trainings for every seed, and every long value', () => {
    const coverage = bench.coverage();
    expect(coverage.trainings).toBe(48_528);
    expect(coverage.completeTrainings).toBe(48_528);
    expect(coverage.runs).toBe(48_528 * bench.seeds.length);
    expect(coverage.longRecords).toBe(48_528);
    expect(coverage.configurations).toBe(196_608);
    expect(coverage.longConfigurations).toBe(196_608);
  });

  it('marks exactly the measured values its provenance counts as measured', () => {
    const measuredRuns = runs.filter((r) => r.measured);
    const measuredLong = long.filter((r) => r.measured);
    expect(measuredRuns).toHaveLength(provenance.measured.shortRuns);
    expect(measuredLong).toHaveLength(provenance.measured.longValues);
    expect(bench.coverage().measuredRuns).toBe(provenance.measured.shortRuns);
    const classes = new Set([
      ...measuredRuns.map((r) => r.classId),
      ...measuredLong.map((r) => r.classId),
    ]);
    expect(classes.size).toBe(provenance.measured.classes);
    // measured runs come from the trainer, predicted ones from the surrogate
    expect(measuredRuns.every((r) => r.backend !== 'surrogate')).toBe(true);
    expect(runs.filter((r) => !r.measured).every((r) => r.backend === 'surrogate')).toBe(true);
    // measured long values are seed means with their seeds; predicted ones carry a spread
    expect(measuredLong.every((r) => (r.seeds?.length ?? 0) >= 1)).toBe(true);
    expect(long.filter((r) => !r.measured).every((r) => r.testAccuracyStd >= 0)).toBe(true);
  });

  it("meets the issue's measurement minimums, counted from the file itself", () => {
    const measuredRuns = runs.filter((r) => r.measured);
    const pairsByClass = new Map<number, Set<string>>();
    const seedsByConfig = new Map<string, Set<number>>();
    for (const r of measuredRuns) {
      const pairs = pairsByClass.get(r.classId) ?? new Set<string>();
      pairs.add(`${r.lr}/${r.batchSize}`);
      pairsByClass.set(r.classId, pairs);
      const key = `${r.classId}/${r.lr}/${r.batchSize}`;
      const seeds = seedsByConfig.get(key) ?? new Set<number>();
      seeds.add(r.seed);
      seedsByConfig.set(key, seeds);
    }
    // All 48 (lr, batch size) pairs for at least 8 classes.
    const fullGrid = [...pairsByClass].filter(([, pairs]) => pairs.size === 48).map(([id]) => id);
    expect(fullGrid.length).toBeGreaterThanOrEqual(8);
    // At least 400 more primary-seed runs outside those classes, over 300+ classes and all pairs.
    const full = new Set(fullGrid);
    const others = measuredRuns.filter((r) => !full.has(r.classId) && r.seed === 222);
    expect(others.length).toBeGreaterThanOrEqual(400);
    expect(new Set(others.map((r) => r.classId)).size).toBeGreaterThanOrEqual(300);
    expect(new Set(others.map((r) => `${r.lr}/${r.batchSize}`)).size).toBe(48);
    // Three seeds for at least 30 configurations.
    expect([...seedsByConfig.values()].filter((s) => s.size === 3).length).toBeGreaterThanOrEqual(
      30,
    );
    // The long schedule for at least 48 configurations in at least 8 classes; long values of 3
    // seeds carry their measured seed spread, 1-seed values none (NaN: unknown).
    const measuredLong = long.filter((r) => r.measured);
    expect(measuredLong.length).toBeGreaterThanOrEqual(48);
    expect(new Set(measuredLong.map((r) => r.classId)).size).toBeGreaterThanOrEqual(8);
    const threeSeeds = measuredLong.filter((r) => new Set(r.seeds).size === 3);
    expect(threeSeeds.length).toBeGreaterThanOrEqual(1);
    expect(threeSeeds.every((r) => r.testAccuracyStd >= 0 && r.testAccuracyStd < 20)).toBe(true);
    expect(
      measuredLong
        .filter((r) => r.seeds?.length === 1)
        .every((r) => Number.isNaN(r.testAccuracyStd)),
    ).toBe(true);
  });

  it('keeps every value in its physical range, with cumulative cost rising by epoch', () => {
    const bad: string[] = [];
    for (const run of runs) {
      const tag = `${run.cellCode} ${run.lr} ${run.batchSize} ${run.seed}`;
      for (const series of [run.trainAccuracy, run.validAccuracy, run.testAccuracy]) {
        if (!series.every((v) => v >= 0 && v <= 100)) bad.push(`${tag}: accuracy`);
      }
      for (const series of [run.trainSeconds, run.validSeconds, run.testSeconds]) {
        if (!series.every((v) => v > 0 && Number.isFinite(v))) bad.push(`${tag}: seconds`);
      }
    }
    for (const r of long) if (!(r.testAccuracy >= 0 && r.testAccuracy <= 100)) bad.push(r.cellCode);
    expect(bad).toEqual([]);
    for (const index of [0, 98_765, 196_607]) {
      for (let e = 1; e < 12; e++) {
        expect(bench.costAt(index, 'test', e + 1)).toBeGreaterThan(bench.costAt(index, 'test', e));
      }
    }
  });

  it('predicted accuracies lie on the grid a measured evaluation can reach', () => {
    const { validImages, trainImages } = bench.protocol;
    const onGrid = (v: number, images: number) =>
      Math.abs((v * images) / 100 - Math.round((v * images) / 100)) < 1e-6;
    for (const run of runs.filter((r) => !r.measured).slice(0, 5000)) {
      expect(run.validAccuracy.every((v) => onGrid(v, validImages))).toBe(true);
      expect(run.trainAccuracy.every((v) => onGrid(v, trainImages))).toBe(true);
    }
  });
});

describe('the browser path to the embedded benchmark', () => {
  it('names the same file as DEFAULT_BENCHMARK_FILE (bundlers need the literal)', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('./open-source.ts', import.meta.url), 'utf8');
    expect(source).toContain(`new URL('../data/${DEFAULT_BENCHMARK_FILE}', import.meta.url)`);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LongRecord, RunRecord, TrainingProtocol } from '@nashpobench2/dataset';
import { DEFAULT_BENCHMARK_FILE } from '@nashpobench2/dataset';
import { openBenchmark } from '@nashpobench2/dataset/node';
import { cellClassOf } from '@nashpobench2/search-space';
import { DEFAULT_SURROGATE_FILE } from '@nashpobench2/surrogate/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AssembleSummary,
  assembleDefaultBenchmark,
  BENCHMARK_FILE,
  chargeCpuSeconds,
  compactPredictedValues,
  countMeasured,
  MIN_COST_REFERENCE_RUNS,
  normalizeCostGeneration,
  onAccuracyGrid,
  rangeProblems,
  SUMMARY_MARKDOWN,
  SURROGATE_FILE,
  seedNoise,
} from './assemble-core.js';
import { FAKE_PROTOCOL, fakeRun, fakeTrainer } from './fake-trainer.js';
import { planDefaultBenchmark } from './plan.js';
import { finishedKey, runQueue } from './sweep-core.js';

const plan = planDefaultBenchmark();
// A tiny part set: the plan's first 120 short runs and first 15 long runs, trained by the fake,
// then the first 2 units of the long seed study (which rewrite 2 of those long values).
const shortRuns = plan.filter((r) => r.schedule === 'short').slice(0, 120);
const longRuns = plan.filter((r) => r.purpose === 'long').slice(0, 15);
const longSeedRuns = plan.filter((r) => r.purpose === 'long-seeds').slice(0, 2);
const trained = [...shortRuns, ...longRuns, ...longSeedRuns];

let dir: string;
let summary: AssembleSummary;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'default-benchmark-assemble-'));
  const parts = join(dir, 'parts');
  const train = fakeTrainer(parts);
  const lines: string[] = [];
  await runQueue(trained, train, {
    parallel: 4,
    onDone: (run, _lane, outcome) =>
      lines.push(
        JSON.stringify({
          key: finishedKey(run),
          purpose: run.purpose,
          schedule: run.schedule,
          wallSeconds: outcome.seconds,
          cpuSeconds: outcome.cpuSeconds,
        }),
      ),
  });
  await writeFile(join(parts, 'timings.jsonl'), `${lines.join('\n')}\n`);
  const started = performance.now();
  summary = await assembleDefaultBenchmark({
    parts,
    out: join(dir, 'out'),
    completion: { folds: 3, models: ['ridge'], cascade: false },
  });
  console.log(
    `assemble: ${((performance.now() - started) / 1000).toFixed(1)} s, ${summary.files.bytes} bytes`,
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('assembling the default benchmark from parts', () => {
  it('completes every configuration, measured values kept and flagged', async () => {
    const bench = await openBenchmark(join(dir, 'out', BENCHMARK_FILE));
    const runs = [...bench.runs()];
    expect(runs.length).toBe(48_528 * 3);
    expect([...bench.longRecords()].length).toBe(48_528);
    const measured = runs.filter((r) => r.measured);
    expect(measured.length).toBe(120);
    const run = shortRuns[7];
    const stored = measured.find(
      (r) =>
        r.cellCode === run.cellCode &&
        r.lr === run.lr &&
        r.batchSize === run.batchSize &&
        r.seed === run.seed,
    ) as RunRecord;
    expect(stored.validAccuracy).toEqual(fakeRun(run).validAccuracy);
    // The benchmark charges the recorded CPU seconds of each pass.
    expect(stored.trainSeconds).toEqual(fakeRun(run).trainCpuSeconds);
    expect(runs.filter((r) => !r.measured).every((r) => r.backend === 'surrogate')).toBe(true);
    const long = [...bench.longRecords()];
    expect(long.filter((r) => r.measured).length).toBe(15);
    // The seed study's configurations: mean and sample std over seeds 222, 555, 888, whose fake
    // values move by (seed mod 7 − 3) × 0.1 = +0.2, −0.1, +0.3: deviations from their mean 0.4/3
    // are 0.2/3, −0.7/3, 0.5/3, so the variance is (0.04 + 0.49 + 0.25) / 9 / 2 = 0.13 / 3.
    for (const unit of longSeedRuns) {
      const stored = long.find(
        (r) => r.cellCode === unit.cellCode && r.lr === unit.lr && r.batchSize === unit.batchSize,
      ) as LongRecord;
      expect(stored.seeds).toEqual([222, 555, 888]);
      expect(stored.testAccuracyStd).toBeCloseTo(Math.sqrt(0.13 / 3), 9);
    }
    expect(long.filter((r) => r.measured && Number.isNaN(r.testAccuracyStd)).length).toBe(13);
    expect(long.filter((r) => !r.measured).every((r) => r.testAccuracyStd >= 0)).toBe(true);
    expect(rangeProblems(runs, long)).toEqual([]);
    expect(summary.validation.ok).toBe(true);
    expect(summary.files.bytes).toBeGreaterThan(0);
    expect(bench.metadata.provenance.source).toMatch(/120 runs and 15 long values trained/);
  }, 60_000);

  it('summarises what was measured, its cost and the held-out tables', async () => {
    expect(summary.measured.shortRuns).toBe(120);
    expect(summary.measured.longValues).toBe(15);
    const byPurpose = { grid: 0, 'space-filling': 0, seeds: 0, long: 15, 'long-seeds': 2 };
    for (const run of shortRuns) byPurpose[run.purpose]++;
    expect(summary.measured.byPurpose).toEqual(byPurpose);
    expect(summary.measured.outsidePlan).toBe(0);
    expect(summary.completed).toMatchObject({
      runs: 145_584,
      measuredRuns: 120,
      longValues: 48_528,
      measuredLong: 15,
    });
    expect(summary.measured.threeSeedLongValues).toBe(2);
    expect(summary.cost.timedRuns).toBe(137);
    expect(summary.cost.cpuSeconds).toBeCloseTo(120 * 0.75 + 15 * 2.5 + 2 * 5, 9);
    // The mean long run is over single long runs (a seed-study unit trains two).
    expect(summary.cost.meanLongWallSeconds).toBe(3);
    // Each fake run records 12 × (18 + 1.8 + 1.8) × (1 + 64 / batch size) pass CPU seconds.
    const passes = shortRuns.reduce((s, r) => s + 12 * 21.6 * (1 + 64 / r.batchSize), 0);
    expect(summary.cost.cpuRecordedRuns).toBe(120);
    expect(summary.cost.cpuScaledRuns).toBe(0);
    expect(summary.cost.recordedPassSeconds).toBeCloseTo(passes, 6);
    expect(summary.reports.map((r) => r.target)).toContain('short');
    expect(summary.reports.some((r) => r.target.startsWith('long'))).toBe(true);
    const markdown = await readFile(join(dir, 'out', SUMMARY_MARKDOWN), 'utf8');
    expect(markdown).toMatch(/\| short runs \(all seeds\) \| 120 \|/);
    expect(markdown).toMatch(/\| long values \| 15 \(2 the mean over 3 seeds\) \|/);
    expect(markdown).toMatch(/## Seed noise \(measured\)/);
    expect(summary.seedNoise?.long.configurations).toBe(2);
    expect(summary.seedNoise?.long.medianStd).toBeCloseTo(Math.sqrt(0.13 / 3), 9);
    expect(markdown).toMatch(/### short: /);
    expect(markdown).toMatch(/### seconds per pass: cost model vs curve model/);
    expect(markdown).toMatch(/\| train \| \d\.\d{3} \/ -?\d\.\d{3} \|.*\| (cost|curve) \|/);
    const surrogate = JSON.parse(await readFile(join(dir, 'out', SURROGATE_FILE), 'utf8'));
    // the surrogate file answers seconds with the cost model the completion used
    expect(surrogate.costModel.format).toBe('nashpobench2-cost-model');
    expect(Object.keys(surrogate.secondsReport.modes)).toEqual(['train', 'valid', 'test']);
  });
});

describe('range checks', () => {
  const good = fakeRun({ cellCode: '0|10|210', lr: 0.1, batchSize: 64, seed: 222 });
  it('accept a good run and name each bad value', () => {
    expect(rangeProblems([good], [])).toEqual([]);
    const bad: RunRecord = {
      ...good,
      measured: false,
      validAccuracy: good.validAccuracy.map((v, i) => (i === 3 ? 100.5 : v)),
      testSeconds: good.testSeconds.map((v, i) => (i === 11 ? 0 : v)),
      trainLoss: good.trainLoss.map((v, i) => (i === 0 ? -0.5 : v)),
    };
    expect(rangeProblems([bad], [])).toEqual([
      'predicted run 0|10|210 lr 0.1 bs 64 seed 222: validAccuracy[3] = 100.5 is not in [0, 100]',
      'predicted run 0|10|210 lr 0.1 bs 64 seed 222: testSeconds[11] = 0 is not > 0',
      'predicted run 0|10|210 lr 0.1 bs 64 seed 222: trainLoss[0] = -0.5 is not a loss',
    ]);
    // NaN losses are 'not recorded' (a diverged run, a compact file's predictions).
    const nan = good.trainLoss.map(() => Number.NaN);
    expect(rangeProblems([{ ...good, measured: false, trainLoss: nan }], [])).toEqual([]);
    const long: LongRecord = {
      cellCode: '0|10|210',
      classId: cellClassOf('0|10|210').id,
      lr: 0.1,
      batchSize: 64,
      testAccuracy: -1,
      testAccuracyStd: Number.NaN,
      measured: false,
    };
    expect(rangeProblems([], [long])).toEqual([
      'predicted long value 0|10|210 lr 0.1 bs 64: -1 is not in [0, 100]',
      'predicted long value 0|10|210 lr 0.1 bs 64: predicted spread NaN is not ≥ 0',
    ]);
  });

  it('compact storage rounds and drops predicted values only', () => {
    const sizes = { trainImages: 5000, validImages: 2000, testImages: 2000 };
    const predicted: RunRecord = {
      ...good,
      measured: false,
      backend: 'surrogate',
      validAccuracy: good.validAccuracy.map((v, e) => (e === 0 ? 41.2371 : v)),
      trainAccuracy: good.trainAccuracy.map((v, e) => (e === 0 ? 41.2371 : v)),
    };
    const long: LongRecord = {
      cellCode: good.cellCode,
      classId: good.classId,
      lr: good.lr,
      batchSize: good.batchSize,
      testAccuracy: 61.23456,
      testAccuracyStd: 2.34567,
      measured: false,
    };
    const out = compactPredictedValues(
      [good, predicted],
      [long, { ...long, measured: true }],
      sizes,
    );
    expect(out.runs[0]).toBe(good);
    // 41.2371 % of 2,000 images = 824.742 → 825 correct = 41.25 %; of 5,000 = 2061.855 → 41.24 %.
    expect(out.runs[1].validAccuracy[0]).toBe(41.25);
    expect(out.runs[1].trainAccuracy[0]).toBe(41.24);
    for (const v of out.runs[1].testAccuracy) expect(Math.round(v * 20)).toBeCloseTo(v * 20, 9);
    expect(out.runs[1].trainLoss.every(Number.isNaN)).toBe(true);
    // 20 × (1 + 64/64) = 40 s exactly; 2 × 2 = 4 s.
    expect(out.runs[1].trainSeconds).toEqual(good.trainSeconds.map(() => 40));
    expect(out.long[0]).toMatchObject({ testAccuracy: 61.23, testAccuracyStd: 2.35 });
    expect(out.long[1].testAccuracy).toBe(61.23456);
    const odd = compactPredictedValues(
      [{ ...predicted, testSeconds: [1.23456, ...predicted.testSeconds.slice(1)] }],
      [],
      sizes,
    );
    expect(odd.runs[0].testSeconds[0]).toBe(1.23);
    const spread = compactPredictedValues(
      [
        {
          ...predicted,
          validAccuracyStd: predicted.validAccuracy.map(() => 1.2549),
          trainSecondsStd: predicted.trainSeconds.map(() => 0.012345),
        },
      ],
      [],
      sizes,
    );
    expect(spread.runs[0].validAccuracyStd?.[0]).toBe(1.3);
    expect(spread.runs[0].trainSecondsStd?.[11]).toBe(0.012);
    expect(spread.runs[0].testAccuracyStd).toBeUndefined();
  });

  it('compact storage keeps predicted accuracies at or above the lowest measured one', () => {
    const sizes = { trainImages: 5000, validImages: 2000, testImages: 2000 };
    const low: RunRecord = {
      ...good,
      measured: false,
      validAccuracy: good.validAccuracy.map((v, e) => (e === 0 ? 0.4 : v)),
    };
    const out = compactPredictedValues([good, low], [], sizes);
    expect(out.runs[1].validAccuracy[0]).toBe(
      onAccuracyGrid(Math.min(...good.validAccuracy), 2000),
    );
    expect(out.runs[1].validAccuracy[5]).toBe(onAccuracyGrid(low.validAccuracy[5], 2000));
  });

  it('compact storage gives every seed of a configuration the mean seconds of its seeds', () => {
    const sizes = { trainImages: 5000, validImages: 2000, testImages: 2000 };
    const a: RunRecord = {
      ...good,
      measured: false,
      seed: 222,
      trainSeconds: good.trainSeconds.map(() => 10),
    };
    const b: RunRecord = { ...a, seed: 555, trainSeconds: good.trainSeconds.map(() => 12.5) };
    const other: RunRecord = { ...a, lr: 0.05, trainSeconds: good.trainSeconds.map(() => 99) };
    const out = compactPredictedValues([a, b, other], [], sizes);
    expect(out.runs[0].trainSeconds[5]).toBe(11.3); // (10 + 12.5) / 2 = 11.25 → 3 digits
    expect(out.runs[1].trainSeconds).toEqual(out.runs[0].trainSeconds);
    expect(out.runs[2].trainSeconds[0]).toBe(99);
  });

  it('compact storage keeps the spreads of a configuration once, on its lowest predicted seed', () => {
    const sizes = { trainImages: 5000, validImages: 2000, testImages: 2000 };
    const std = good.validAccuracy.map(() => 3.14159);
    const a: RunRecord = { ...good, measured: false, seed: 555, validAccuracyStd: std };
    const b: RunRecord = { ...a, seed: 222 };
    const c: RunRecord = { ...a, seed: 888 };
    const out = compactPredictedValues([a, b, c], [], sizes);
    expect(out.runs[1].validAccuracyStd?.[0]).toBe(3.1);
    expect(out.runs[0].validAccuracyStd).toBeUndefined();
    expect(out.runs[2].validAccuracyStd).toBeUndefined();
  });

  it('counts the plan parts a set of runs covers', () => {
    const runs = plan
      .filter((r) => r.purpose === 'seeds')
      .slice(0, 2)
      .map((r) => fakeRun(r));
    const base = plan.find(
      (r) =>
        r.purpose !== 'seeds' &&
        r.cellCode === runs[0].cellCode &&
        r.lr === runs[0].lr &&
        r.batchSize === runs[0].batchSize &&
        r.schedule === 'short',
    );
    const counts = countMeasured([...runs, fakeRun(base as never)], []);
    expect(counts.byPurpose.seeds).toBe(2);
    expect(counts.threeSeedConfigurations).toBe(1);
    expect(counts.shortRuns).toBe(3);
  });
});

describe('chargeCpuSeconds', () => {
  const [first, second] = shortRuns;
  const withCpu = fakeRun(first, 12);
  const { trainCpuSeconds, validCpuSeconds, testCpuSeconds, ...rest } = fakeRun(second, 12);
  const wallOnly = rest as RunRecord;

  it('charges recorded CPU seconds and scales wall-only runs by their CPU/wall ratio', () => {
    const timings = [
      {
        key: finishedKey(second),
        purpose: second.purpose,
        schedule: second.schedule,
        wallSeconds: 80,
        cpuSeconds: 60,
      },
    ];
    const charged = chargeCpuSeconds([withCpu, wallOnly], timings);
    expect(charged.recorded).toBe(1);
    expect(charged.scaled).toBe(1);
    expect(charged.runs[0].trainSeconds).toEqual(withCpu.trainCpuSeconds);
    expect(charged.runs[0].testSeconds).toEqual(withCpu.testCpuSeconds);
    // 60 / 80 = 0.75 of each wall pass.
    expect(charged.runs[1].trainSeconds[3]).toBeCloseTo(wallOnly.trainSeconds[3] * 0.75, 12);
    expect(charged.runs[1].validSeconds[11]).toBeCloseTo(wallOnly.validSeconds[11] * 0.75, 12);
    expect(charged.runs[1].trainCpuSeconds).toEqual(charged.runs[1].trainSeconds);
  });

  it('refuses a wall-only run without a timing line, naming it', () => {
    expect(() => chargeCpuSeconds([wallOnly], [])).toThrow(
      new RegExp(`run ${second.cellCode.replaceAll('|', '\\|')} lr ${second.lr} .*timings\\.jsonl`),
    );
  });
});

describe('file names', () => {
  it('writes the names the dataset and surrogate packages load by default', () => {
    expect(BENCHMARK_FILE).toBe(DEFAULT_BENCHMARK_FILE);
    expect(SURROGATE_FILE).toBe(DEFAULT_SURROGATE_FILE);
  });
});

describe('normalizeCostGeneration', () => {
  const protocol = { ...FAKE_PROTOCOL, evalBatchSize: null } as unknown as TrainingProtocol;
  const short = plan.filter((r) => r.schedule === 'short' && r.seed === 222).slice(0, 60);
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 18, minute)).toISOString();
  // the fake trainer's passes follow an exact law: train 20 (1 + 64 / bs), valid 2 (1 + 64 / bs)
  const runs = short.map((r) => fakeRun(r));
  const slow = (r: RunRecord): RunRecord => ({
    ...r,
    trainSeconds: r.trainSeconds.map((v) => 2.5 * v),
    validSeconds: r.validSeconds.map((v) => 2.5 * v),
    trainCpuSeconds: r.trainSeconds.map((v) => 2.5 * v),
  });
  // the first 30 runs were trained by an older trainer, 2.5 times slower
  const mixed = runs.map((r, i) => (i < 30 ? slow(r) : r));
  const timings = short.map((r, i) => ({
    key: finishedKey(r),
    purpose: r.purpose,
    schedule: r.schedule,
    wallSeconds: 1,
    cpuSeconds: 1,
    finishedAt: at(i < 30 ? 10 : 40),
  }));
  const reference = { since: at(30) };

  it("charges older runs the reference trainer's cost law and keeps their raw CPU seconds", () => {
    const out = normalizeCostGeneration(mixed, timings, reference, protocol);
    expect(out).toMatchObject({ reference: 30, modeled: 30 });
    for (let i = 0; i < 30; i++) {
      const law = 20 * (1 + 64 / short[i].batchSize);
      // within 1 % (the fit has a small ridge penalty), where the older trainer took 150 % more
      for (const v of out.runs[i].trainSeconds) expect(Math.abs(v / law - 1)).toBeLessThan(0.01);
      const validLaw = 2 * (1 + 64 / short[i].batchSize);
      expect(Math.abs(out.runs[i].validSeconds[5] / validLaw - 1)).toBeLessThan(0.01);
      expect(out.runs[i].trainCpuSeconds).toEqual(mixed[i].trainCpuSeconds);
      expect(out.runs[i].validAccuracy).toEqual(mixed[i].validAccuracy);
    }
    for (let i = 30; i < 60; i++) expect(out.runs[i]).toBe(mixed[i]);
  });

  it('charges runs finished at or after `until` (another machine) the cost law too', () => {
    // runs 0-29 finished before since (minute 30), 30-49 inside (minute 40), and with until at
    // minute 45: runs 50-59 finish late on a machine 2 times slower
    const late = runs.map((r, i) =>
      i >= 50 ? { ...r, trainSeconds: r.trainSeconds.map((v) => 2 * v) } : r,
    );
    const lateTimings = timings.map((t, i) => (i >= 50 ? { ...t, finishedAt: at(50) } : t));
    const out = normalizeCostGeneration(
      late,
      lateTimings,
      { since: at(30), until: at(45) },
      protocol,
    );
    expect(out).toMatchObject({ reference: 20, modeled: 40 });
    for (let i = 50; i < 60; i++) {
      const law = 20 * (1 + 64 / short[i].batchSize);
      for (const v of out.runs[i].trainSeconds) expect(Math.abs(v / law - 1)).toBeLessThan(0.01);
    }
    for (let i = 30; i < 50; i++) expect(out.runs[i]).toBe(late[i]);
  });

  it('changes nothing without a reference or with too few reference runs', () => {
    expect(normalizeCostGeneration(mixed, timings, undefined, protocol).modeled).toBe(0);
    const late = { since: at(50) }; // no run finished after it
    const out = normalizeCostGeneration(mixed, timings, late, protocol);
    expect(out).toMatchObject({ reference: 0, modeled: 0 });
    expect(out.runs).toEqual(mixed);
    expect(MIN_COST_REFERENCE_RUNS).toBe(20);
  });
});

describe('seedNoise', () => {
  const run = (cellCode: string, lr: number, seed: number, valid: number, test: number) => ({
    ...fakeRun({ cellCode, lr, batchSize: 64, seed }),
    validAccuracy: [10, valid],
    testAccuracy: [10, test],
  });
  // Two configurations with three seeds, one with two (left out), one predicted (left out).
  const runs = [
    run('0|00|000', 0.1, 222, 50, 49), // valid 50, 52, 54: std 2; test 49, 49, 52: std √3
    run('0|00|000', 0.1, 555, 52, 49),
    run('0|00|000', 0.1, 888, 54, 52),
    run('1|11|111', 0.1, 222, 30, 30), // valid 30, 30, 36: std √12; test 30, 31, 32: std 1
    run('1|11|111', 0.1, 555, 30, 31),
    run('1|11|111', 0.1, 888, 36, 32),
    run('2|22|222', 0.1, 222, 40, 40),
    run('2|22|222', 0.1, 555, 90, 90),
    { ...run('0|00|000', 0.2, 222, 1, 1), measured: false },
    { ...run('0|00|000', 0.2, 555, 99, 99), measured: false },
    { ...run('0|00|000', 0.2, 888, 50, 50), measured: false },
  ] as RunRecord[];
  const long = (seeds: number[], std: number, measured = true) =>
    ({
      cellCode: '0|00|000',
      classId: cellClassOf('0|00|000').id,
      lr: 0.1,
      batchSize: 64,
      testAccuracy: 60,
      testAccuracyStd: std,
      measured,
      seeds,
    }) as LongRecord;

  it('gives the median and pooled std over configurations with three measured seeds', () => {
    const noise = seedNoise(runs, [
      long([222, 555, 888], 1),
      long([222, 555, 888], 3),
      long([222, 555, 888], 2),
      long([222], Number.NaN),
      long([222, 555, 888], 50, false),
    ]);
    expect(noise.short.configurations).toBe(2);
    expect(noise.short.medianValidStd).toBeCloseTo((2 + Math.sqrt(12)) / 2, 12);
    expect(noise.short.pooledValidStd).toBeCloseTo(Math.sqrt((4 + 12) / 2), 12);
    expect(noise.short.medianTestStd).toBeCloseTo((Math.sqrt(3) + 1) / 2, 12);
    expect(noise.short.pooledTestStd).toBeCloseTo(Math.sqrt((3 + 1) / 2), 12);
    expect(noise.long.configurations).toBe(3);
    expect(noise.long.medianStd).toBe(2);
    expect(noise.long.pooledStd).toBeCloseTo(Math.sqrt((1 + 9 + 4) / 3), 12);
  });

  it('is NaN where no configuration has three seeds', () => {
    const noise = seedNoise(runs.slice(6, 8), [long([222], Number.NaN)]);
    expect(noise.short.configurations).toBe(0);
    expect(noise.short.pooledValidStd).toBeNaN();
    expect(noise.long.medianStd).toBeNaN();
  });
});

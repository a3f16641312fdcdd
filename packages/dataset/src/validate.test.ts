import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { TRAINING_COUNT } from './benchmark-tables.js';
import { appendRuns, encodeBenchmark, validateBenchmarkPath } from './node.js';
import { makeSyntheticRecords } from './synthetic.js';
import { validateBenchmarkParts } from './validate.js';

const folder = await mkdtemp(join(tmpdir(), 'nhb-validate-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

const data = makeSyntheticRecords({ classes: [0, 13], rngSeed: 3 });
const part = (name: string, runs = data.runs, long = data.long) => ({
  name,
  bytes: encodeBenchmark(Benchmark.fromRecords(runs, long, data.metadata)),
});

describe('validateBenchmarkParts', () => {
  it('passes a sound partial benchmark with coverage warnings, which --complete turns into errors', async () => {
    const report = await validateBenchmarkParts([part('a.parquet')]);
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.rows).toBe(data.runs.length + data.long.length);
    // 2 classes × 48 pairs trained
    expect(report.warnings[0]).toMatch(
      new RegExp(
        `^${TRAINING_COUNT - 96} of ${TRAINING_COUNT} trainings .* have no run; 2 of 1011 classes`,
      ),
    );
    const strict = await validateBenchmarkParts([part('a.parquet')], { complete: true });
    expect(strict.ok).toBe(false);
    expect(strict.errors[0]).toMatch(/trainings .* have no run/);
  });

  it('reports duplicate runs across parts, with where they are', async () => {
    const bySeed = (seed: number) => data.runs.filter((r) => r.seed === seed);
    const report = await validateBenchmarkParts([
      part('a.parquet', bySeed(222), []),
      part('b.parquet', [...bySeed(555), bySeed(222)[5]], []),
    ]);
    expect(report.ok).toBe(false);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatch(
      /^1 duplicate runs \(.* seed 222 in a\.parquet row 5 and b\.parquet row 5\)$/,
    );
  });

  it('reports values out of range', async () => {
    const runs = data.runs.map((run, i) =>
      i === 3
        ? { ...run, validAccuracy: run.validAccuracy.map((a, e) => (e === 4 ? 101 : a)) }
        : run,
    );
    const long = data.long.map((record, i) => (i === 0 ? { ...record, testAccuracy: -1 } : record));
    const report = await validateBenchmarkParts([part('bad.parquet', runs, long)]);
    expect(report.errors).toContain(
      `1 accuracies outside 0..100 % (${runs[3].cellCode} lr ${runs[3].lr} batch size ${runs[3].batchSize} seed ${runs[3].seed} valid epoch 5 = 101)`,
    );
    expect(
      report.errors.some((line) => /^1 long-training accuracies outside 0\.\.100 %/.test(line)),
    ).toBe(true);
  });

  it('warns about NaN losses of measured runs only (predicted runs may leave them out)', async () => {
    const nanLoss = (run: (typeof data.runs)[number]) => ({
      ...run,
      trainLoss: run.trainLoss.map(() => Number.NaN),
    });
    const predicted = data.runs.map((run, i) =>
      i === 2 ? { ...nanLoss(run), measured: false } : run,
    );
    const quiet = await validateBenchmarkParts([part('predicted.parquet', predicted)]);
    expect(quiet.warnings.some((w) => /losses/.test(w))).toBe(false);
    const measured = data.runs.map((run, i) => (i === 2 ? nanLoss(run) : run));
    const loud = await validateBenchmarkParts([part('measured.parquet', measured)]);
    expect(
      loud.warnings.some((w) => /^12 losses that are negative, or NaN in measured runs/.test(w)),
    ).toBe(true);
  });

  it('passes a file with CPU seconds and predicted spreads, NaN (unknown) included', async () => {
    const E = data.metadata.protocol.shortEpochs;
    const series = (value: number) => Array.from({ length: E }, (_, e) => value + e);
    const runs = data.runs.map((run, i) => {
      if (run.classId !== 13)
        return {
          ...run,
          trainCpuSeconds: series(1),
          validCpuSeconds: series(0.5),
          testCpuSeconds: series(0.25),
        };
      const unknown = series(0).map((v, e) => (e === 2 ? Number.NaN : v));
      return {
        ...run,
        measured: false,
        trainAccuracyStd: unknown,
        validAccuracyStd: series(i % 3),
        testAccuracyStd: series(0),
        trainSecondsStd: series(0.125),
        validSecondsStd: series(0),
        testSecondsStd: unknown,
      };
    });
    const bytes = part('spread.parquet', runs).bytes;
    const names = parquetMetadata(bytes).schema.map((element) => element.name);
    expect(names).toContain('test_seconds_std_12');
    expect(names).toContain('valid_cpu_seconds_1');
    const report = await validateBenchmarkParts([{ name: 'spread.parquet', bytes }]);
    expect(report.errors).toEqual([]);
    expect(report.warnings.some((line) => /spread/.test(line))).toBe(false);
  });

  it('reports bad CPU seconds and spreads naming the run, the column and the value', async () => {
    const E = data.metadata.protocol.shortEpochs;
    const ones = () => Array.from({ length: E }, () => 1);
    const withValue = (values: number[], e: number, value: number) =>
      values.map((v, k) => (k === e ? value : v));
    const runs = data.runs.map((run) => ({
      ...run,
      trainCpuSeconds: ones(),
      validCpuSeconds: ones(),
      testCpuSeconds: ones(),
    }));
    const predicted = (i: number) => ({
      ...runs[i],
      measured: false,
      trainAccuracyStd: ones(),
      validAccuracyStd: ones(),
      testAccuracyStd: ones(),
      trainSecondsStd: ones(),
      validSecondsStd: ones(),
      testSecondsStd: ones(),
    });
    runs[2] = { ...runs[2], validCpuSeconds: withValue(ones(), 4, 0) };
    runs[3] = { ...runs[3], testCpuSeconds: withValue(ones(), 0, Number.POSITIVE_INFINITY) };
    runs[5] = { ...predicted(5), trainAccuracyStd: withValue(ones(), 11, -0.5) };
    runs[6] = { ...predicted(6), testSecondsStd: withValue(ones(), 1, Number.POSITIVE_INFINITY) };
    // A measured run with a spread is only warned about.
    runs[7] = { ...predicted(7), measured: true };
    const name = (i: number) =>
      `${runs[i].cellCode} lr ${runs[i].lr} batch size ${runs[i].batchSize} seed ${runs[i].seed}`;
    const report = await validateBenchmarkParts([part('bad-optional.parquet', runs)]);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      `2 CPU pass times that are not positive and finite (${name(2)} valid_cpu_seconds_5 = 0; ${name(3)} test_cpu_seconds_1 = Infinity)`,
      `1 accuracy spreads that are negative or infinite (${name(5)} train_accuracy_std_12 = -0.5)`,
      `1 pass-time spreads that are negative or infinite (${name(6)} test_seconds_std_2 = Infinity)`,
    ]);
    expect(report.warnings).toContain(
      `${6 * E} predicted spreads on measured runs (expected NaN) (${name(7)} train_accuracy_std_1 = 1; ${name(7)} train_accuracy_std_2 = 1; ${name(7)} train_accuracy_std_3 = 1, ...)`,
    );
  });

  it('reports truncated files and missing paths instead of throwing', async () => {
    const bytes = new Uint8Array(part('x').bytes);
    const truncated = { name: 'cut.parquet', bytes: bytes.slice(0, bytes.length - 100).buffer };
    const report = await validateBenchmarkParts([truncated]);
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatch(
      /^cut\.parquet is not a readable Parquet file \(truncated or corrupt\?\)/,
    );
    const missing = await validateBenchmarkPath(join(folder, 'nothing'));
    expect(missing.errors).toEqual([
      `no benchmark at '${join(folder, 'nothing')}' (no such file or folder)`,
    ]);
  });

  it('validates a folder of part files', async () => {
    const sweep = join(folder, 'sweep');
    await appendRuns(sweep, data.runs.slice(0, 100), data.metadata);
    await appendRuns(sweep, data.runs.slice(100), data.metadata, data.long);
    const report = await validateBenchmarkPath(sweep);
    expect(report).toMatchObject({ ok: true, parts: 2, rows: data.runs.length + data.long.length });
    expect(report.coverage?.runs).toBe(data.runs.length);
  });
});

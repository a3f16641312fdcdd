import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

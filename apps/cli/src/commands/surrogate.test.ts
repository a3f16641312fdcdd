import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_VERSION } from '@nashpobench2/dataset';
import { openBenchmark, writeBenchmark } from '@nashpobench2/dataset/node';
import { CELL_CLASS_COUNT, HYPERPARAMETER_PAIR_COUNT } from '@nashpobench2/search-space';
import { makeSyntheticTrainingData } from '@nashpobench2/surrogate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

const folder = await mkdtemp(join(tmpdir(), 'nhb-cli-surrogate-'));
const trainPath = join(folder, 'runs.parquet');
const modelDir = join(folder, 'model');
const data = makeSyntheticTrainingData({
  classes: 14,
  pairsPerClass: 4,
  replicatedConfigurations: 12,
  longConfigurations: 30,
});

beforeAll(async () => {
  await writeBenchmark(trainPath, data.runs, data.long, {
    formatVersion: FORMAT_VERSION,
    protocol: data.protocol,
    provenance: { source: 'synthetic test data', createdAt: '2026-12-04T00:00:00Z' },
  });
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('nhb surrogate', () => {
  it('fits on a runs file, writes the model and the completed table', async () => {
    const fit = await run(
      'surrogate',
      'fit',
      '--train',
      trainPath,
      '--out',
      modelDir,
      '--folds',
      '3',
      '--members',
      '2',
      '--steps',
      '40',
      '--json',
    );
    expect(fit.stderr).toEqual([]);
    expect(fit.status).toBe(0);
    const summary = JSON.parse(fit.stdout.join(''));
    const trainings = CELL_CLASS_COUNT * HYPERPARAMETER_PAIR_COUNT;
    expect(summary.long).toEqual({ measured: data.long.length, total: trainings });
    expect(summary.runs.measured).toBe(data.runs.length);
    expect(summary.runs.total).toBe(trainings * data.protocol.seeds.length);
    expect(summary.reports.map((r: { target: string }) => r.target)).toEqual([
      'short',
      'long (with measured short curve)',
      'long (cascade: short curve predicted)',
      'long (architecture + hyperparameters)',
    ]);

    const table = await openBenchmark(summary.table);
    const coverage = table.coverage();
    expect(coverage.longRecords).toBe(trainings);
    expect(coverage.longConfigurations).toBe(196_608);
    expect(coverage.measuredLongRecords).toBe(data.long.length);
    expect(coverage.completeTrainings).toBe(trainings);
    const measured = data.long[0];
    const index = table.resolve({
      cellCode: measured.cellCode,
      lr: measured.lr,
      batchSize: measured.batchSize,
    }).index;
    expect(table.longAccuracyAt(index)).toBe(measured.testAccuracy);
    expect(table.isLongMeasured(index)).toBe(true);
  });

  it('prints the held-out tables', async () => {
    const text = await run('surrogate', 'eval', '--model', modelDir);
    expect(text.status).toBe(0);
    expect(text.stdout.join('\n')).toMatch(/NOTE: synthetic training data/);
    expect(text.stdout.some((line) => /^ {2}ridge /.test(line))).toBe(true);
    const json = await run('surrogate', 'eval', '--model', modelDir, '--json');
    const parsed = JSON.parse(json.stdout.join(''));
    expect(parsed.reports).toHaveLength(4);
    for (const report of parsed.reports) {
      expect(report.models.map((m: { model: string }) => m.model)).toEqual([
        'ensemble',
        'ridge',
        'knn',
        'committee',
      ]);
    }
  });

  it('evaluates and predicts with the surrogate shipped with the embedded benchmark by default', async () => {
    const text = await run('surrogate', 'eval');
    expect(text.status).toBe(0);
    expect(text.stdout[0]).toMatch(
      /protocol 'lite' \(12 → 36 epochs\).*the project's own reduced benchmark/,
    );
    const json = JSON.parse((await run('surrogate', 'eval', '--json')).stdout.join(''));
    expect(json.reports.map((r: { target: string }) => r.target)).toContain('short');
    const predicted = await run(
      'surrogate',
      'predict',
      '0|10|210',
      '--lr',
      '0.1',
      '--batch-size',
      '64',
    );
    expect(predicted.status).toBe(0);
    expect(predicted.stdout[1]).toMatch(/^test accuracy @36: \d+\.\d\d ± \d+\.\d\d %/);
    // The shipped long values include 3-seed means (the long seed study): the seed spread of a
    // long value is measured, and a seed gets its own value.
    const withSeed = await run(
      'surrogate',
      'predict',
      '0|10|210',
      '--lr',
      '0.1',
      '--batch-size',
      '64',
      '--seed',
      '555',
    );
    expect(withSeed.stdout[1]).toMatch(
      /\(seed spread \d+\.\d\d; this seed \d+\.\d\d; cascade\)$/,
    );
  });

  it('says whether a query is on the grid, inside it or an extrapolation, and marks synthetic fits', async () => {
    const argv = ['surrogate', 'predict', '0|10|210', '--model', modelDir];
    const on = JSON.parse(
      (await run(...argv, '--lr', '0.1', '--batch-size', '256', '--json')).stdout.join(''),
    );
    expect(on.onGrid).toBe('on the grid');
    expect(on.synthetic).toBe(true);
    const inside = await run(...argv, '--lr', '0.07', '--batch-size', '256');
    expect(inside.stdout.join('\n')).toMatch(/is off the benchmark grid .*: an interpolation\./);
    const outside = await run(...argv, '--lr', '10', '--batch-size', '256');
    expect(outside.stdout.join('\n')).toMatch(
      /: an extrapolation beyond the measured range; treat it with care\./,
    );
    const json = JSON.parse(
      (await run(...argv, '--lr', '0.1', '--batch-size', '1', '--json')).stdout.join(''),
    );
    expect(json.onGrid).toBe('outside');
  });

  it('predicts a configuration with a consistent per-seed value', async () => {
    const argv = ['surrogate', 'predict', '0|10|210', '--lr', '0.1', '--batch-size', '256'];
    const first = await run(...argv, '--seed', '555', '--model', modelDir, '--json');
    const again = await run(...argv, '--seed', '555', '--model', modelDir, '--json');
    expect(first.status).toBe(0);
    const prediction = JSON.parse(first.stdout.join(''));
    expect(JSON.parse(again.stdout.join(''))).toEqual(prediction);
    expect(prediction.long.mean).toBeGreaterThanOrEqual(0);
    expect(prediction.long.mean).toBeLessThanOrEqual(100);
    expect(prediction.long.std).toBeGreaterThan(0);
    expect(prediction.short.validAccuracy.mean).toHaveLength(12);
    expect(Math.min(...prediction.short.trainSeconds.perSeed)).toBeGreaterThan(0);
    const text = await run(...argv, '--model', modelDir);
    expect(text.stdout[1]).toMatch(/^test accuracy @200: \d+\.\d\d ± \d+\.\d\d %/);
  });

  it('fails with one line on bad input', async () => {
    const badLr = await run(
      'surrogate',
      'predict',
      '0|10|210',
      '--lr',
      'x',
      '--batch-size',
      '64',
      '--model',
      modelDir,
    );
    expect(badLr.status).toBe(2);
    expect(badLr.stderr).toEqual(["nhb: --lr must be a number > 0, got 'x'"]);
    const badCell = await run(
      'surrogate',
      'predict',
      '0|1|210',
      '--lr',
      '0.1',
      '--batch-size',
      '64',
      '--model',
      modelDir,
    );
    expect(badCell.status).toBe(1);
    expect(badCell.stderr[0]).toMatch(/cell code '0\|1\|210' is not valid/);
    const noModel = await run('surrogate', 'eval', '--model', join(folder, 'missing'));
    expect(noModel.status).toBe(2);
    expect(noModel.stderr[0]).toMatch(/^nhb: --model: cannot read a surrogate/);
    const badModel = await run(
      'surrogate',
      'fit',
      '--train',
      'synthetic',
      '--out',
      modelDir,
      '--model',
      'gp',
    );
    expect(badModel.stderr).toEqual([
      "nhb: --model: 'gp' is not valid; allowed: one of auto, ensemble, ridge, knn, committee",
    ]);
    // An --out that cannot be a folder fails before any fitting.
    const file = join(folder, 'a-file');
    await writeFile(file, 'x');
    const badOut = await run('surrogate', 'fit', '--train', 'synthetic', '--out', file);
    expect(badOut.status).toBe(2);
    expect(badOut.stderr).toEqual([
      `nhb: --out: cannot use '${file}' as the output folder (EEXIST); allowed: a folder that exists or can be created`,
    ]);
    const noTrain = await run('surrogate', 'fit', '--out', modelDir);
    expect(noTrain.stderr).toEqual([
      'nhb: surrogate fit needs --train <runs.parquet|folder|synthetic>',
    ]);
  });
});

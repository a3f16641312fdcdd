import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  HYPERPARAMETER_PAIR_COUNT,
  LEARNING_RATES,
} from '@nashpobench2/search-space';
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchmarkSurrogate } from './benchmark-surrogate.js';
import {
  type CompletedBenchmark,
  completeBenchmark,
  configurationOrdinal,
} from './complete-benchmark.js';
import { createFeatureSchema } from './features.js';
import { longGainTarget } from './long-surrogate.js';
import { CURVE_FIELDS } from './run-summary.js';
import { makeSyntheticTrainingData } from './synthetic-data.js';
import { tensorflow } from './tensorflow.js';

const TRAININGS = CELL_CLASS_COUNT * HYPERPARAMETER_PAIR_COUNT;
const data = makeSyntheticTrainingData({
  classes: 12,
  pairsPerClass: 4,
  replicatedConfigurations: 10,
  longConfigurations: 24,
});
const seeds = data.protocol.seeds;
let done: CompletedBenchmark;
let tensorsLeaked = 0;

beforeAll(() => {
  const tf = tensorflow();
  const before = tf.memory().numTensors;
  done = completeBenchmark(data.runs, data.long, data.protocol, {
    folds: 3,
    ensemble: { members: 2, hidden: [8], steps: 30 },
  });
  tensorsLeaked = tf.memory().numTensors - before;
}, 120_000);

describe('completing the benchmark', () => {
  it('gives every configuration one run per seed and one long value', () => {
    expect(done.runs.length).toBe(TRAININGS * seeds.length);
    expect(done.long.length).toBe(TRAININGS);
    const runKeys = new Set(
      done.runs.map((r) => `${configurationOrdinal(r.classId, r.lr, r.batchSize)}/${r.seed}`),
    );
    expect(runKeys.size).toBe(TRAININGS * seeds.length);
    const longKeys = new Set(
      done.long.map((r) => configurationOrdinal(r.classId, r.lr, r.batchSize)),
    );
    expect(longKeys.size).toBe(TRAININGS);
    expect(Math.min(...longKeys)).toBe(0);
    expect(Math.max(...longKeys)).toBe(TRAININGS - 1);
    expect(configurationOrdinal(1010, LEARNING_RATES[7], BATCH_SIZES[5])).toBe(TRAININGS - 1);
    expect(tensorsLeaked).toBe(0);
  });

  it('keeps every measured value exactly and marks the rest predicted', () => {
    const measuredRuns = done.runs.filter((r) => r.measured);
    expect(measuredRuns.length).toBe(data.runs.length);
    const given = new Set(data.runs);
    expect(measuredRuns.every((run) => given.has(run))).toBe(true);
    const measuredLong = done.long.filter((r) => r.measured);
    expect(measuredLong).toEqual(data.long.slice().sort(byOrdinal));
    const predicted = done.long.filter((r) => !r.measured);
    expect(predicted.every((r) => r.seeds === undefined && r.testAccuracyStd > 0)).toBe(true);
  });

  it('produces no value outside its physical range', () => {
    // Counted rather than asserted one by one: 145,584 runs × 108 values.
    const outside: string[] = [];
    for (const run of done.runs) {
      for (const field of CURVE_FIELDS) {
        const values = run[field];
        if (values.length !== 12) outside.push(`${field} has ${values.length} epochs`);
        const accuracy = field.endsWith('Accuracy');
        for (const value of values) {
          // Losses and seconds are strictly positive, so cumulative time grows every epoch.
          const ok = accuracy ? value >= 0 && value <= 100 : value > 0 && Number.isFinite(value);
          if (!ok) outside.push(`${field} = ${value}`);
        }
      }
      if (!(run.parameters > 0)) outside.push(`parameters = ${run.parameters}`);
    }
    for (const record of done.long) {
      if (!(record.testAccuracy >= 0 && record.testAccuracy <= 100)) {
        outside.push(`long accuracy = ${record.testAccuracy}`);
      }
      if (!(Number.isFinite(record.testAccuracyStd) && record.testAccuracyStd >= 0)) {
        outside.push(`long std = ${record.testAccuracyStd}`);
      }
    }
    expect(outside.slice(0, 5)).toEqual([]);
  });

  it('gives predicted runs the predicted spreads of their configuration and measured runs none', () => {
    const epochs = data.protocol.shortEpochs;
    // Offsets of CURVE_FIELDS, written out: 3 accuracies, 3 losses, 3 seconds, 12 epochs each.
    const fieldOffset = {
      trainAccuracyStd: 0,
      validAccuracyStd: 1,
      testAccuracyStd: 2,
      trainSecondsStd: 6,
      validSecondsStd: 7,
      testSecondsStd: 8,
    } as const;
    const width = 9 * epochs;
    let checked = 0;
    let positive = 0;
    let zeroOnMeasuredMean = 0;
    const mismatches: string[] = [];
    for (const run of done.runs) {
      const ordinal = configurationOrdinal(run.classId, run.lr, run.batchSize);
      for (const [name, f] of Object.entries(fieldOffset)) {
        const values = run[name as keyof typeof fieldOffset];
        if (run.measured) {
          if (values !== undefined) mismatches.push(`measured run has ${name}`);
          continue;
        }
        if (values?.length !== epochs) {
          mismatches.push(`${name} has ${values?.length} epochs`);
          continue;
        }
        for (let e = 0; e < epochs; e++) {
          const expected = done.curveStd[ordinal * width + f * epochs + e];
          if (values[e] !== expected) mismatches.push(`${name}[${e}] ${values[e]} ≠ ${expected}`);
          if (values[e] > 0) positive += 1;
        }
        if (done.shortMeasured[ordinal] && values.every((v) => v === 0)) zeroOnMeasuredMean += 1;
        checked += 1;
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    const predictedRuns = done.runs.filter((r) => !r.measured).length;
    expect(checked).toBe(predictedRuns * 6);
    // Unmeasured configurations carry a real predictive std; the missing seeds of configurations
    // whose mean was measured carry 0 (their center is the measured mean).
    expect(positive).toBeGreaterThan(0.9 * (TRAININGS - 48) * seeds.length * 6 * epochs);
    expect(zeroOnMeasuredMean).toBeGreaterThan(0);
    const sample = done.runs.find((r) => !r.measured && !done.shortMeasured[ordinalOf(r)]);
    if (!sample) throw new Error('no predicted configuration');
    const start = ordinalOf(sample) * width + 1 * epochs;
    expect(sample.validAccuracyStd).toEqual(
      Array.from(done.curveStd.subarray(start, start + epochs)),
    );
    const sameConfig = done.runs.filter(
      (r) => ordinalOf(r) === ordinalOf(sample) && r.seed !== sample.seed,
    );
    expect(sameConfig.length).toBe(seeds.length - 1);
    for (const other of sameConfig) expect(other.testSecondsStd).toEqual(sample.testSecondsStd);
  });

  it('reports held-out tables for the short and the long targets', () => {
    expect(done.reports.map((r) => r.target)).toEqual([
      'short',
      'long (with measured short curve)',
      'long (cascade: short curve predicted)',
      'long (architecture + hyperparameters)',
    ]);
    for (const report of done.reports) {
      expect(report.folds).toBe(3);
      expect(report.models.map((m) => m.model)).toEqual(['ensemble', 'ridge', 'knn', 'committee']);
    }
  });

  it('models the long accuracy with a measured curve as its gain over the last valid accuracy', () => {
    // The curve model sees 4 scalars, then 12 valid accuracies: @12 is column 15.
    const withCurve = done.longFit.withCurve?.surrogate;
    expect(withCurve?.featureSchema.names.length).toBe(4 + 12 + 12);
    expect(withCurve?.targetSpecs[0].offset).toEqual({
      column: 15,
      scale: 100,
      name: 'validAccuracyFraction@12',
    });
    // With the 24 edge one-hots + 48 path indicators in front, @12 is column 87.
    expect(longGainTarget(createFeatureSchema({ curveEpochs: 12 })).offset?.column).toBe(87);
    expect(longGainTarget(createFeatureSchema({ curveEpochs: 3 })).offset?.column).toBe(78);
    expect(() => longGainTarget(createFeatureSchema({ curveEpochs: 0 }))).toThrow(
      /curveEpochs ≥ 1/,
    );
    // The architecture-only model has no curve to be relative to.
    expect(done.longFit.architectureOnly.surrogate.targetSpecs[0].offset).toBeUndefined();
  });

  it('refuses foreign benchmark surrogate files in one line', () => {
    expect(() => BenchmarkSurrogate.fromJSON('null')).toThrow(
      /benchmark surrogate file 'null' is not valid; allowed: nhb-benchmark-surrogate v1/,
    );
    expect(() =>
      BenchmarkSurrogate.fromJSON('{"format":"nhb-benchmark-surrogate","formatVersion":"1"}'),
    ).toThrow(/'nhb-benchmark-surrogate v"1"' is not valid/);
  });

  it('gives the same per-seed values in the table and in a query', () => {
    const bundle = BenchmarkSurrogate.fromJSON(
      JSON.stringify(
        BenchmarkSurrogate.fromFit(done.short, done.longFit, data.protocol, {
          source: 'test',
          synthetic: true,
          createdAt: '2026-12-04T00:00:00Z',
        }),
      ),
    );
    // A configuration nobody measured: the table's per-seed run comes from the same model
    // and the same deviates as a query with that seed.
    const unmeasured = done.runs.find((r) => !r.measured && r.seed === seeds[1]);
    if (!unmeasured) throw new Error('every configuration was measured');
    const [prediction] = bundle.predict([{ ...unmeasured, seed: unmeasured.seed }]);
    const perSeed = prediction.short.validAccuracy.perSeed ?? [];
    perSeed.forEach((value, e) => {
      expect(value).toBeCloseTo(unmeasured.validAccuracy[e], 9);
    });
    const [twice] = bundle.predict([{ ...unmeasured, seed: unmeasured.seed }]);
    expect(twice).toEqual(prediction);
    // Equivalent codes are one class: '2|33|323' computes the identity, like '0|00|233'.
    const [member, representative] = bundle.predict([
      { cellCode: '2|33|323', lr: 0.05, batchSize: 64, seed: 888 },
      { cellCode: '0|00|233', lr: 0.05, batchSize: 64, seed: 888 },
    ]);
    expect({ ...member, cellCode: '' }).toEqual({ ...representative, cellCode: '' });
    expect(member.representative).toBe('0|00|233');
  });
});

describe('seconds of predicted configurations', () => {
  const epochs = data.protocol.shortEpochs;
  const width = 9 * epochs;
  // Offsets of the seconds blocks in CURVE_FIELDS, written out.
  const secondsOffset = { train: 6, valid: 7, test: 8 } as const;
  const fieldOf = { train: 'trainSeconds', valid: 'validSeconds', test: 'testSeconds' } as const;

  it('come from the cost model where it beats the curve model held out', () => {
    const report = done.secondsReport;
    expect(report.folds).toBe(3);
    expect(report.rows).toBe(done.short.report.rows);
    expect(report.groups).toBe(done.short.report.groups);
    expect(report.curveModel).toBe(done.short.report.chosen);
    expect(report.outputs.length).toBe(3 * epochs);
    // The synthetic times are 0.8e-9 · FLOPs · (1 + 32 / bs) × scale (× 1.3 in epoch 1) × 3%
    // noise: inside the cost model's span (MFLOPs and MFLOPs/bs), so it wins every pass.
    for (const mode of ['train', 'valid', 'test'] as const) {
      const m = report.modes[mode];
      expect(m.costR2).toBeGreaterThan(0.95);
      expect(m.costR2).toBeGreaterThan(m.curveR2);
      expect(m.used).toBe('cost');
      // The mode's summary is the mean of its outputs.
      const mine = report.outputs.filter((o) => o.name.startsWith(fieldOf[mode]));
      expect(mine.length).toBe(epochs);
      const meanR2 = mine.reduce((sum, o) => sum + o.cost.r2, 0) / epochs;
      expect(m.costR2).toBeCloseTo(meanR2, 12);
      const chosen = done.short.report.models.find((x) => x.model === report.curveModel);
      const curve = chosen?.outputs.find((o) => o.name === `${fieldOf[mode]}@1`)?.raw.r2;
      expect(mine[0].curve.r2).toBe(curve);
    }
  });

  it('equal the cost model × profile for every seed and learning rate, measured runs untouched', () => {
    const model = done.costModel;
    let checked = 0;
    const mismatches: string[] = [];
    const byClassAndBatch = new Map<string, number[]>();
    for (const run of done.runs) {
      const ordinal = ordinalOf(run);
      if (run.measured || done.shortMeasured[ordinal]) continue;
      for (const mode of ['train', 'valid', 'test'] as const) {
        const state = model.modes[mode];
        const x = model.features(run.cellCode, run.batchSize, mode);
        const mean = Math.max(
          state.floor,
          x.reduce((sum, v, j) => sum + v * state.weights[j], 0),
        );
        const values = run[fieldOf[mode]];
        for (let e = 0; e < epochs; e++) {
          const expected = Math.max(state.floor, mean * state.profile[e]);
          if (Math.abs(values[e] - expected) > 1e-12 * expected)
            mismatches.push(`${mode}[${e}] ${values[e]} ≠ ${expected}`);
          const std = done.curveStd[ordinal * width + secondsOffset[mode] * epochs + e];
          if (std !== state.spread[e]) mismatches.push(`${mode} std[${e}] ${std}`);
        }
      }
      // Seeds and learning rates of one (class, batch size) share the same seconds.
      const key = `${run.classId}/${run.batchSize}`;
      const first = byClassAndBatch.get(key);
      if (!first) byClassAndBatch.set(key, run.trainSeconds);
      else if (first.some((v, e) => v !== run.trainSeconds[e])) mismatches.push(`lr/seed ${key}`);
      checked++;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(0.9 * TRAININGS * seeds.length);
    expect(done.costModel.modes.train.spread.every((v) => v > 0)).toBe(true);
    // Measured runs are the given objects, seconds included.
    const given = new Map(data.runs.map((run) => [`${ordinalOf(run)}/${run.seed}`, run]));
    for (const run of done.runs.filter((r) => r.measured)) {
      expect(run).toBe(given.get(`${ordinalOf(run)}/${run.seed}`));
    }
  });

  it('are answered by the surrogate file as the completed table has them', () => {
    const bundle = BenchmarkSurrogate.fromJSON(
      JSON.stringify(
        BenchmarkSurrogate.fromFit(
          done.short,
          done.longFit,
          data.protocol,
          { source: 'test', synthetic: true, createdAt: '2026-12-04T00:00:00Z' },
          { costModel: done.costModel, secondsReport: done.secondsReport },
        ),
      ),
    );
    const unmeasured = done.runs.find((r) => !r.measured && r.seed === seeds[2]);
    if (!unmeasured) throw new Error('every configuration was measured');
    const [prediction] = bundle.predict([{ ...unmeasured, seed: unmeasured.seed }]);
    for (const mode of ['train', 'valid', 'test'] as const) {
      expect(done.secondsReport.modes[mode].used).toBe('cost');
      const field = fieldOf[mode];
      const curve = prediction.short[field];
      curve.mean.forEach((v, e) => {
        expect(v).toBeCloseTo(unmeasured[field][e], 9);
      });
      expect(curve.perSeed).toEqual(curve.mean);
      expect(curve.std).toEqual(done.costModel.modes[mode].spread);
    }
  });

  it('stay the curve model’s, with seed noise, when told to', () => {
    const curveOnly = completeBenchmark(data.runs, data.long, data.protocol, {
      folds: 3,
      models: ['ridge'],
      cascade: false,
      seconds: 'curve',
    });
    for (const mode of ['train', 'valid', 'test'] as const) {
      expect(curveOnly.secondsReport.modes[mode].used).toBe('curve');
    }
    expect(curveOnly.secondsReport.rule).toBe('curve');
    const predicted = curveOnly.runs.filter((r) => !curveOnly.shortMeasured[ordinalOf(r)]);
    const sample = predicted[0];
    const start = ordinalOf(sample) * width + secondsOffset.train * epochs;
    const center = curveOnly.curveMean.subarray(start, start + epochs);
    // Not the cost model's values, and seeds differ by the seed-noise model.
    const cost = curveOnly.costModel.predict(sample.cellCode, sample.batchSize, 'train');
    expect(Array.from(center)).not.toEqual(Array.from(cost));
    const sibling = predicted.find(
      (r) => ordinalOf(r) === ordinalOf(sample) && r.seed !== sample.seed,
    );
    expect(sibling?.trainSeconds).not.toEqual(sample.trainSeconds);
    expect(() =>
      completeBenchmark(data.runs, data.long, data.protocol, {
        folds: 3,
        models: ['ridge'],
        cascade: false,
        seconds: 'fast' as 'auto',
      }),
    ).toThrow(/seconds 'fast' is not valid; allowed: auto, cost, curve/);
  }, 60_000);
});

function byOrdinal(a: { classId: number; lr: number; batchSize: number }, b: typeof a): number {
  return (
    configurationOrdinal(a.classId, a.lr, a.batchSize) -
    configurationOrdinal(b.classId, b.lr, b.batchSize)
  );
}

function ordinalOf(run: { classId: number; lr: number; batchSize: number }): number {
  return configurationOrdinal(run.classId, run.lr, run.batchSize);
}

import {
  BATCH_SIZES,
  cellClasses,
  createRng,
  type NetworkShape,
  networkCost,
} from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { CostModel, type CostRow, cellCostCounts, crossValidateCost } from './cost-model.js';

const SHAPE: NetworkShape = { stemChannels: 8, cellsPerStage: 1, inputSize: 16 };
const EPOCHS = 12;
// Known per-epoch profile with mean exactly 1 (epoch 1 is a warm-up: 30% slower).
const PROFILE = Array.from({ length: EPOCHS }, (_, e) => (e === 0 ? 1.3 : 1 - 0.3 / (EPOCHS - 1)));
// Known law, in the order 1, MFLOPs, liveMFLOPs, 1/bs, MFLOPs/bs, liveMFLOPs/bs, pool/bs, pool.
const TRAIN_W = [0.8, 0.6, 1.2, 30, 5, 9, 6, 0.1];
// Evaluation at a fixed batch size: 1, MFLOPs, pool.
const VALID_W = [0.1, 0.09, 0.02];
const TEST_W = [0.09, 0.1, 0.015];

// Edges of a code 'a|bc|def' as (from, to), written out: 0→1 | 0→2, 1→2 | 0→3, 1→3, 2→3.
const EDGE_LIST = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

/** A path from node `a` to node `b` over non-zero edges (depth-first, independent of the model). */
function path(digits: string[], a: number, b: number): boolean {
  if (a === b) return true;
  return EDGE_LIST.some(([f, t], i) => f === a && digits[i] !== '3' && path(digits, t, b));
}

/** Counts written independently of the model, from the digits of the code string. */
function countsOf(code: string) {
  const digits = code.replaceAll('|', '').split('');
  // Convolutions a gradient reaches: their output node has a path to the cell output.
  const live = digits.map((d, i) => (d === '0' && !path(digits, EDGE_LIST[i][1], 3) ? '3' : d));
  const liveCode = `${live[0]}|${live[1]}${live[2]}|${live[3]}${live[4]}${live[5]}`;
  return {
    megaFlops: networkCost(code, SHAPE).flops / 1e6,
    liveMegaFlops: networkCost(liveCode, SHAPE).flops / 1e6,
    pool: digits.filter((d, i) => d === '1' && path(digits, 0, EDGE_LIST[i][0])).length,
  };
}

function trainFeatures(code: string, bs: number): number[] {
  const c = countsOf(code);
  const f = c.megaFlops;
  const l = c.liveMegaFlops;
  return [1, f, l, 1 / bs, f / bs, l / bs, c.pool / bs, c.pool];
}

function trainLaw(code: string, bs: number): number {
  return trainFeatures(code, bs).reduce((sum, v, j) => sum + v * TRAIN_W[j], 0);
}

function evalLaw(code: string, w: number[]): number {
  const c = countsOf(code);
  return w[0] + w[1] * c.megaFlops + w[2] * c.pool;
}

/** 60 classes × 2 batch sizes, seconds from the law × profile × (1 + 0.5% noise). */
function syntheticRows(noise = 0.005, seed = 7): CostRow[] {
  const rng = createRng(seed);
  const classes = cellClasses();
  const rows: CostRow[] = [];
  for (let k = 0; k < 60; k++) {
    const classId = (k * 16 + 3) % classes.length;
    const code = classes[classId].representative;
    for (const bs of [BATCH_SIZES[k % 6], BATCH_SIZES[(k + 3) % 6]]) {
      const curve = (mean: number) => PROFILE.map((p) => mean * p * (1 + noise * rng.normal()));
      rows.push({
        cellCode: code,
        classId,
        batchSize: bs,
        seconds: {
          train: curve(trainLaw(code, bs)),
          valid: curve(evalLaw(code, VALID_W)),
          test: curve(evalLaw(code, TEST_W)),
        },
      });
    }
  }
  return rows;
}

describe('cell cost counts', () => {
  it('counts what a pass computes, by hand', () => {
    const mf = (code: string) => networkCost(code, SHAPE).flops / 1e6;
    // Cell output cut off (edges into node 3 are zero): no gradient reaches any convolution.
    expect(cellCostCounts('0|00|333', SHAPE)).toEqual({
      megaFlops: mf('0|00|333'),
      liveMegaFlops: mf('3|33|333'),
      pool: 0,
    });
    // 0→1 conv, 1→2 conv, 1→3 conv, 2→3 pool: everything reaches the output.
    expect(cellCostCounts('0|30|301', SHAPE).liveMegaFlops).toBe(mf('0|30|301'));
    // 0→2 conv feeds node 2, which has no way out (2→3 zero): dead; 0→1 pool is fed.
    expect(cellCostCounts('1|03|323', SHAPE)).toEqual({
      megaFlops: mf('1|03|323'),
      liveMegaFlops: mf('1|33|323'),
      pool: 1,
    });
    // 1→2 pool on node 1, which nothing feeds (0→1 zero): skipped.
    expect(cellCostCounts('3|31|332', SHAPE).pool).toBe(0);
    // The per-conv FLOPs are affine in the convolution count: 6 convs vs none.
    expect(mf('0|00|000')).toBeGreaterThan(mf('1|11|111'));
  });
});

describe('cost model', () => {
  const rows = syntheticRows();
  const model = CostModel.fit(rows, { shape: SHAPE, evalBatchSize: 500 });

  it('recovers the weights of a known linear cost law', () => {
    expect(model.modes.train.features).toEqual([
      '1',
      'MFLOPs',
      'liveMFLOPs',
      '1/bs',
      'MFLOPs/bs',
      'liveMFLOPs/bs',
      'pool/bs',
      'pool',
    ]);
    expect(model.modes.valid.features).toEqual(['1', 'MFLOPs', 'pool']);
    const close = (got: number[], want: number[], relative: number) =>
      got.forEach((w, j) => {
        expect(Math.abs(w - want[j])).toBeLessThan(relative * Math.abs(want[j]));
      });
    close(model.modes.train.weights, TRAIN_W, 0.05);
    close(model.modes.valid.weights, VALID_W, 0.05);
    close(model.modes.test.weights, TEST_W, 0.05);
    // The profile is the mean ratio of each epoch to its run's mean: 1.3 then 0.9727...
    model.modes.train.profile.forEach((p, e) => {
      expect(p).toBeCloseTo(PROFILE[e], 2);
    });
  });

  it('fits exact data exactly, without penalty', () => {
    const exact = syntheticRows(0);
    const m = CostModel.fit(exact, { shape: SHAPE, evalBatchSize: 500, penalty: 0 });
    m.modes.train.weights.forEach((w, j) => {
      expect(w).toBeCloseTo(TRAIN_W[j], 6);
    });
    const row = exact[5];
    const predicted = m.predict(row.cellCode, row.batchSize, 'train');
    predicted.forEach((v, e) => {
      expect(v).toBeCloseTo(row.seconds.train[e], 6);
    });
  });

  it('predicts held-out classes almost perfectly under the law (grouped folds)', () => {
    const evaluation = crossValidateCost(rows, {
      shape: SHAPE,
      evalBatchSize: 500,
      folds: 5,
      seed: 0,
    });
    expect(evaluation.folds).toBe(5);
    expect(evaluation.groups).toBe(60);
    expect(evaluation.outputs.map((o) => o.name).slice(0, 2)).toEqual([
      'trainSeconds@1',
      'trainSeconds@2',
    ]);
    expect(evaluation.outputs.length).toBe(36);
    for (const { metrics } of evaluation.outputs) expect(metrics.r2).toBeGreaterThan(0.99);
    // Spread: RMS of held-out residuals, about the noise (0.5% of a few seconds).
    const trainScale = rows.reduce((s, r) => s + r.seconds.train[3], 0) / rows.length;
    expect(evaluation.spread.train[3]).toBeGreaterThan(0);
    expect(evaluation.spread.train[3]).toBeLessThan(0.02 * trainScale);
  });

  it('never lets a held-out class move its own prediction (no leak across folds)', () => {
    const options = { shape: SHAPE, evalBatchSize: 500, folds: 4, seed: 3 };
    const base = crossValidateCost(rows, options);
    const victim = rows[10].classId;
    // Blow up every measurement of one class: only the other folds' predictions may change.
    const changed = rows.map((row) =>
      row.classId === victim
        ? {
            ...row,
            seconds: {
              train: Array.from(row.seconds.train, (v) => v * 50),
              valid: row.seconds.valid,
              test: row.seconds.test,
            },
          }
        : row,
    );
    const after = crossValidateCost(changed, options);
    let same = 0;
    let moved = 0;
    rows.forEach((row, i) => {
      const a = base.predicted.train[i];
      const b = after.predicted.train[i];
      if (row.classId === victim) {
        expect(Array.from(b)).toEqual(Array.from(a));
        same++;
      } else if (
        base.assignment[i] !== base.assignment[rows.findIndex((r) => r.classId === victim)]
      ) {
        if (a.some((v, e) => v !== b[e])) moved++;
      }
    });
    expect(same).toBe(2);
    // The victim's class is in the training set of the other folds' models, which do change.
    expect(moved).toBeGreaterThan(0);
  });

  it('keeps every prediction > 0 (floored at half the smallest measured value)', () => {
    // A law that goes negative below batch size 128: 5 − 400/bs, fitted on bs ≥ 128 only.
    const code = '0|00|000';
    const fitRows: CostRow[] = [128, 256, 512].flatMap((bs, k) =>
      [code, '1|11|111', '2|22|222'].map((c, m) => ({
        cellCode: c,
        classId: k * 3 + m,
        batchSize: bs,
        seconds: {
          train: PROFILE.map((p) => (5 - 400 / bs) * p),
          valid: PROFILE.map(() => 1),
          test: PROFILE.map(() => 1),
        },
      })),
    );
    const m = CostModel.fit(fitRows, { shape: SHAPE, evalBatchSize: null, penalty: 0 });
    const smallest = (5 - 400 / 128) * Math.min(...PROFILE);
    expect(m.modes.train.floor).toBeCloseTo(smallest / 2, 12);
    // At bs 16 the law gives 5 − 25 < 0: the mean is floored, then shaped by the profile and
    // floored again per epoch.
    expect(m.predictMean(code, 16, 'train')).toBeCloseTo(smallest / 2, 9);
    m.predict(code, 16, 'train').forEach((v, e) => {
      expect(v).toBeCloseTo(Math.max(smallest / 2, (smallest / 2) * PROFILE[e]), 9);
    });
    // Where the law is positive the prediction follows it: 5 − 400/256 at bs 256, × profile.
    expect(m.predict(code, 256, 'train')[0]).toBeCloseTo((5 - 400 / 256) * PROFILE[0], 9);
  });

  it('gives evaluation at a fixed batch size one cost for every training batch size', () => {
    const code = cellClasses()[321].representative;
    const at16 = model.predict(code, 16, 'valid');
    const at512 = model.predict(code, 512, 'valid');
    expect(Array.from(at512)).toEqual(Array.from(at16));
    // Training does depend on it (per-batch overhead): fewer, larger batches cost less.
    expect(model.predictMean(code, 16, 'train')).toBeGreaterThan(
      model.predictMean(code, 512, 'train'),
    );
    // Without a fixed evaluation batch size, evaluation has per-batch terms (forward only).
    const free = CostModel.fit(rows, { shape: SHAPE, evalBatchSize: null });
    expect(free.modes.valid.features).toEqual([
      '1',
      'MFLOPs',
      '1/bs',
      'MFLOPs/bs',
      'pool/bs',
      'pool',
    ]);
    expect(free.features(code, 16, 'valid')[2]).toBe(1 / 16);
  });

  it('computes predictions as weights · features × profile', () => {
    const code = '0|10|210';
    const bs = 64;
    const w = model.modes.train.weights;
    const x = trainFeatures(code, bs);
    const mean = x.reduce((s, v, j) => s + v * w[j], 0);
    const predicted = model.predict(code, bs, 'train');
    predicted.forEach((v, e) => {
      expect(v).toBeCloseTo(mean * model.modes.train.profile[e], 10);
    });
  });

  it('round-trips through JSON and rejects bad input', () => {
    const spread = { train: PROFILE, valid: PROFILE, test: PROFILE };
    const withSpread = model.withSpread(spread);
    const back = CostModel.fromJSON(JSON.stringify(withSpread));
    expect(back.toJSON()).toEqual(withSpread.toJSON());
    expect(back.modes.test.spread).toEqual(PROFILE);
    expect(Array.from(back.predict('0|01|012', 32, 'test'))).toEqual(
      Array.from(model.predict('0|01|012', 32, 'test')),
    );
    expect(() => CostModel.fromJSON('{"format":"x"}')).toThrow(/cost model/);
    expect(() => model.predict('0|00|000', 0, 'train')).toThrow(/batchSize 0/);
    expect(() => CostModel.fit(rows.slice(0, 1))).toThrow(/at least 2/);
    expect(() => CostModel.fit(rows, { evalBatchSize: 2.5 })).toThrow(/evalBatchSize/);
    const bad = [
      { ...rows[0], seconds: { ...rows[0].seconds, test: PROFILE.map(() => 0) } },
      rows[1],
    ];
    expect(() => CostModel.fit(bad)).toThrow(/> 0/);
  });
});

import { InvalidArgumentError } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { createFeatureSchema, extractFeatures } from './features.js';

/** Columns of the blocks in the schema: 24 one-hot, 48 path, then four scalars. */
const PATH_START = 24;
const SCALARS = 72;
const TOLERANCE = 1e-12;

function nonZero(row: Float64Array, from: number, to: number): number[] {
  const indices: number[] = [];
  for (let i = from; i < to; i++) if (row[i] !== 0) indices.push(i - from);
  return indices;
}

describe('feature extraction', () => {
  it("encodes '0|10|210' by hand", () => {
    // Edges 0→1, 0→2, 1→2, 0→3, 1→3, 2→3 carry ops 0, 1, 0, 2, 1, 0.
    const schema = createFeatureSchema();
    const row = extractFeatures(schema, { cellCode: '0|10|210', lr: 0.1, batchSize: 256 });
    expect(row.length).toBe(76);
    expect(schema.names.length).toBe(76);
    expect(nonZero(row, 0, 24)).toEqual([0, 5, 8, 14, 17, 20]);
    // Paths: 0→3 'skip' = 2; 0→1→3 'conv,pool' = 3 + 1; 0→2→3 'pool,conv' = 12 + 3;
    // 0→1→2→3 'conv,conv,conv' = 21 + 0.
    expect(nonZero(row, PATH_START, SCALARS)).toEqual([2, 4, 15, 21]);
    expect(row[SCALARS + 2]).toBeCloseTo(Math.log2(0.1), 12);
    expect(row[SCALARS + 3]).toBe(8);
  });

  it('computes log parameters and FLOPs of known cells', () => {
    const schema = createFeatureSchema();
    const at = (cellCode: string) => extractFeatures(schema, { cellCode, lr: 0.4, batchSize: 16 });
    // No conv in the cells: stem 448 + 32, reductions 14,560 and 57,792, head 128 + 650.
    const empty = at('3|33|333');
    expect(10 ** empty[SCALARS]).toBeCloseTo(73_610, 6);
    // FLOPs: stem 442,368 + reductions 3,670,016 × 2 + linear 640.
    expect(10 ** empty[SCALARS + 1]).toBeCloseTo(7_783_040, 4);
    // One conv per cell (0→3) in 15 cells: + 5 × (2,336 + 9,280 + 36,992) parameters and
    // + 15 × 2,359,296 multiply-accumulates.
    const oneConv = at('3|33|033');
    expect(10 ** oneConv[SCALARS]).toBeCloseTo(316_650, 5);
    expect(10 ** oneConv[SCALARS + 1]).toBeCloseTo(43_172_480, 3);
    // Equivalent codes share every feature but the one-hot and path blocks may differ: the
    // analytic columns depend only on the op counts.
    expect(Math.abs(at('3|33|303')[SCALARS] - oneConv[SCALARS])).toBeLessThan(TOLERANCE);
  });

  it('appends the short curve as fractions and log10 losses', () => {
    const schema = createFeatureSchema({ curveEpochs: 2 });
    expect(schema.names.slice(-4)).toEqual([
      'validAccuracyFraction@1',
      'validAccuracyFraction@2',
      'log10TrainLoss@1',
      'log10TrainLoss@2',
    ]);
    const curve = { validAccuracy: [40, 55, 99], trainLoss: [1, 0.1, 0.01] };
    const row = extractFeatures(schema, { cellCode: '2|22|222', lr: 0.025, batchSize: 64, curve });
    expect(Array.from(row.slice(-4))).toEqual([0.4, 0.55, 0, -1]);
    expect(row[SCALARS + 2]).toBeCloseTo(Math.log2(0.025), 12);
  });

  it('leaves the cell encodings out when told, keeping the other columns as they are', () => {
    const curve = { validAccuracy: [40, 55], trainLoss: [1, 0.1] };
    const input = { cellCode: '0|10|210', lr: 0.1, batchSize: 256, curve };
    const full = createFeatureSchema({ curveEpochs: 2 });
    const lean = createFeatureSchema({ curveEpochs: 2, encodings: false });
    expect(lean.names).toEqual([
      'log10Parameters',
      'log10Flops',
      'log2Lr',
      'log2BatchSize',
      'validAccuracyFraction@1',
      'validAccuracyFraction@2',
      'log10TrainLoss@1',
      'log10TrainLoss@2',
    ]);
    expect(lean.encodings).toBe(false);
    expect('encodings' in full).toBe(false);
    // The lean row is the full row without its first 72 columns.
    expect(Array.from(extractFeatures(lean, input))).toEqual(
      Array.from(extractFeatures(full, input).slice(SCALARS)),
    );
    expect(extractFeatures(lean, input)[2]).toBeCloseTo(Math.log2(0.1), 12);
  });

  it('rejects bad input with the parameter named', () => {
    const schema = createFeatureSchema({ curveEpochs: 3 });
    const base = { cellCode: '0|00|000', lr: 0.1, batchSize: 64 };
    expect(() => extractFeatures(schema, base)).toThrow(/curve/);
    const short = { validAccuracy: [1, 2], trainLoss: [1, 1] };
    expect(() => extractFeatures(schema, { ...base, curve: short })).toThrow(InvalidArgumentError);
    expect(() => extractFeatures(schema, { ...base, lr: 0 })).toThrow(/lr 0/);
    expect(() => extractFeatures(schema, { ...base, cellCode: '0|0|000' })).toThrow(/cell code/);
    expect(() => createFeatureSchema({ curveEpochs: -1 })).toThrow(/curveEpochs/);
    expect(() => createFeatureSchema({ encodings: 'no' as never })).toThrow(/encodings 'no'/);
    const curve = (validAccuracy: number[], trainLoss: number[]) => ({
      ...base,
      curve: { validAccuracy, trainLoss },
    });
    expect(() => extractFeatures(schema, curve([1, Number.NaN, 3], [1, 1, 1]))).toThrow(
      /curve validAccuracy\[1\] NaN is not valid; allowed: percentages in \[0, 100\]/,
    );
    expect(() => extractFeatures(schema, curve([1, 2, 150], [1, 1, 1]))).toThrow(
      /validAccuracy\[2\] 150/,
    );
    expect(() => extractFeatures(schema, curve([1, 2, 3], [1, -1, 1]))).toThrow(
      /curve trainLoss\[1\] -1 is not valid; allowed: finite numbers ≥ 0/,
    );
    expect(() =>
      extractFeatures(schema, curve([1, 2, 3], [1, 1, Number.POSITIVE_INFINITY])),
    ).toThrow(/trainLoss\[2\]/);
    // A zero loss is allowed (floored before the logarithm).
    expect(extractFeatures(schema, curve([0, 50, 100], [0, 1, 1])).length).toBe(
      schema.names.length,
    );
  });
});

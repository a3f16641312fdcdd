import { describe, expect, it } from 'vitest';
import { leastSquaresSlope, lrBatchRelation } from './lr-batch-relation.js';
import { SETTING_COUNT, settingAt, settingTable } from './setting-table.js';

function tableOf(...accuracy: ((lrIndex: number, batchIndex: number) => number)[]) {
  const values = accuracy.flatMap((f) =>
    Array.from({ length: SETTING_COUNT }, (_, s) =>
      f(settingAt(s).lrIndex, settingAt(s).batchIndex),
    ),
  );
  return settingTable(
    'test',
    accuracy.map((_, k) => k),
    values,
  );
}

describe('lrBatchRelation', () => {
  it('recognises a planted linear scaling rule', () => {
    // best lr index = batch index + 1: the lr doubles with the batch size
    const table = tableOf(
      (l, b) => 90 - Math.abs(l - (b + 1)),
      (l, b) => 80 - 2 * Math.abs(l - (b + 1)),
    );
    const r = lrBatchRelation(table)!;
    expect(r.architectures.map((a) => a.classId)).toEqual([0, 1]);
    expect(r.bestLr[0]).toEqual([0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2]);
    expect(r.bestLrOfMean).toEqual([0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2]);
    expect(r.slope).toBeCloseTo(1, 12);
    expect(r.slopeStandardError).toBeCloseTo(0, 12);
    expect(r.linearScalingConsistent).toBe(true);
    expect(r.nearestRule).toMatch(/^linear/);
    expect(r.shareAtGridEdge).toBe(0);
  });

  it('counts best learning rates at the edge of the grid', () => {
    const r = lrBatchRelation(tableOf((l) => l))!; // always best at the largest lr
    expect(r.shareAtGridEdge).toBe(1);
    expect(r.slope).toBe(0);
  });

  it('fits a least-squares slope with its standard error', () => {
    // x̄ = 1.5, ȳ = 3: Sxy = 8, Sxx = 5 → slope 1.6; residuals ±0.4, ±1.2 → SSR 3.2, SE √(3.2 / 2 / 5)
    const fit = leastSquaresSlope([
      { x: 0, y: 1 },
      { x: 1, y: 1 },
      { x: 2, y: 5 },
      { x: 3, y: 5 },
    ]);
    expect(fit.slope).toBeCloseTo(1.6, 12);
    expect(fit.standardError).toBeCloseTo(Math.sqrt(3.2 / 2 / 5), 12);
  });
});

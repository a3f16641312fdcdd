import type { RunResult } from '@nashpobench2/optimizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anytimeCurve, incumbentAt, logGrid, raceGrid } from './anytime.js';

const CLOSE = 1e-9;

/** A run whose incumbent short test accuracy takes `values` at the given costs. */
function runWith(costs: number[], values: number[]): RunResult {
  return {
    seed: 0,
    trainingSeed: null,
    evaluations: costs.length,
    totalCostSeconds: costs[costs.length - 1] ?? 0,
    endSeconds: costs[costs.length - 1] ?? 0,
    optimumShortPct: 100,
    trajectory: {
      timeSeconds: costs,
      costSeconds: costs,
      evaluations: costs.map((_, k) => k + 1),
      index: costs.map(() => 0),
      epochs: costs.map(() => 12),
      validAccuracyPct: values,
      testAccuracyShortPct: values,
      testAccuracyLongPct: values.map(() => Number.NaN),
    },
  };
}

describe('incumbentAt', () => {
  const run = runWith([10, 100, 1000], [50, 60, 70]);

  it('is NaN before the first result and steps at each change', () => {
    expect(incumbentAt(run, 'testAccuracyShortPct', 9.99)).toBeNaN();
    expect(incumbentAt(run, 'testAccuracyShortPct', 10)).toBe(50);
    expect(incumbentAt(run, 'testAccuracyShortPct', 99)).toBe(50);
    expect(incumbentAt(run, 'testAccuracyShortPct', 100)).toBe(60);
    expect(incumbentAt(run, 'testAccuracyShortPct', 1e6)).toBe(70);
  });
});

describe('anytimeCurve', () => {
  it('gives the mean and the standard error sqrt(s² / n) of the runs with an incumbent', () => {
    const runs = [runWith([10, 100], [50, 70]), runWith([20, 200], [56, 58]), runWith([500], [80])];
    const curve = anytimeCurve(runs, 'testAccuracyShortPct', [5, 15, 150, 600]);

    // At 5 s no run has a result: the point is left out.
    expect(curve.map((p) => p.costSeconds)).toEqual([15, 150, 600]);
    // 15 s: one run (50), no spread.
    expect(curve[0]).toMatchObject({ mean: 50, standardError: 0, runs: 1 });
    // 150 s: 70 and 56 → mean 63, s² = 98, SE = sqrt(98 / 2) = 7.
    expect(curve[1].runs).toBe(2);
    expect(Math.abs(curve[1].mean - 63)).toBeLessThan(CLOSE);
    expect(Math.abs(curve[1].standardError - 7)).toBeLessThan(CLOSE);
    // 600 s: 70, 58, 80 → mean 69.333…, s² = ((2/3)² + (34/3)² + (32/3)²) / 2 = 121.333…
    expect(Math.abs(curve[2].mean - 208 / 3)).toBeLessThan(CLOSE);
    expect(Math.abs(curve[2].standardError - Math.sqrt(364 / 3 / 3))).toBeLessThan(CLOSE);
  });

  it('never leaves the range of the values it averages (property)', () => {
    const arbitraryRun = fc
      .array(
        fc.tuple(
          fc.double({ min: 1, max: 1e5, noNaN: true }),
          fc.double({ min: 0, max: 100, noNaN: true }),
        ),
        {
          minLength: 1,
          maxLength: 8,
        },
      )
      .map((points) => {
        const sorted = points.sort((a, b) => a[0] - b[0]);
        return runWith(
          sorted.map((p) => p[0]),
          sorted.map((p) => p[1]),
        );
      });
    fc.assert(
      fc.property(fc.array(arbitraryRun, { minLength: 1, maxLength: 5 }), (runs) => {
        const grid = raceGrid(runs, 1e5);
        for (const point of anytimeCurve(runs, 'testAccuracyShortPct', grid)) {
          const values = runs
            .map((run) => incumbentAt(run, 'testAccuracyShortPct', point.costSeconds))
            .filter(Number.isFinite);
          expect(point.runs).toBe(values.length);
          // The race grid starts once every run has a result, so each point averages all runs.
          expect(point.runs).toBe(runs.length);
          expect(point.mean).toBeGreaterThanOrEqual(Math.min(...values) - CLOSE);
          expect(point.mean).toBeLessThanOrEqual(Math.max(...values) + CLOSE);
          expect(point.standardError).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('logGrid and raceGrid', () => {
  it('spaces points evenly in log cost from the cost by which every run has a result to the budget', () => {
    const grid = logGrid(10, 1000, 3);
    expect(grid.length).toBe(3);
    expect(Math.abs(grid[1] - 100)).toBeLessThan(1e-9);
    expect(Math.abs(grid[2] - 1000)).toBeLessThan(1e-9);

    const race = raceGrid([runWith([12, 400], [1, 2]), runWith([30], [3])], 20_000);
    expect(race.length).toBe(60);
    expect(race[0]).toBe(30);
    expect(Math.abs(race[59] - 20_000)).toBeLessThan(1e-6);
  });

  it('is empty before any run has a result', () => {
    expect(raceGrid([], 20_000)).toEqual([]);
  });
});

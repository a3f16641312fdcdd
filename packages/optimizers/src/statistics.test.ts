import { describe, expect, it } from 'vitest';
import type { ExperimentResult, OptimizerResult, RunResult } from './experiment.js';
import {
  averageRankTable,
  costGrid,
  finalValues,
  incumbentAt,
  pairedDifference,
  summarizeExperiment,
} from './statistics.js';

const TOLERANCE = 1e-12;

function run(
  seed: number,
  times: number[],
  testShort: number[],
  testLong: number[],
  optimumShortPct: number,
): RunResult {
  return {
    seed,
    trainingSeed: 222,
    evaluations: times.length * 2,
    totalCostSeconds: times.at(-1)!,
    endSeconds: times.at(-1)!,
    optimumShortPct,
    trajectory: {
      timeSeconds: times,
      costSeconds: times,
      evaluations: times.map((_, k) => 2 * k + 1),
      index: times.map((_, k) => k),
      epochs: times.map(() => 12),
      validAccuracyPct: testShort.map((value) => value - 1),
      testAccuracyShortPct: testShort,
      testAccuracyLongPct: testLong,
    },
  };
}

function optimizer(id: string, runs: RunResult[]): OptimizerResult {
  return { id, settings: {}, ignoresBudget: false, runs };
}

/** Two optimizers × two paired runs, budget 100 s; values chosen for hand computation. */
const RESULT: ExperimentResult = {
  kind: 'nashpobench2-optimizer-results',
  formatVersion: 1,
  benchmark: {
    protocol: { name: 'hand', shortEpochs: 12, longEpochs: 200 },
    seeds: [222],
    meanFullEvaluationSeconds: 10,
    optimumShortPct: { '222': 95, mean: 95 },
    optimumLongPct: 97,
  },
  harness: {
    budgetSeconds: 100,
    workers: 1,
    querySeed: 'per-run',
    incumbent: 'any-fidelity',
    runs: 2,
    seeds: [0, 1],
  },
  optimizers: [
    optimizer('regularized-evolution', [
      run(0, [10, 50], [80, 85], [90, 92], 95),
      run(1, [20, 200], [82, 88], [91, 93], 96),
    ]),
    optimizer('random-search', [
      run(0, [5, 150], [79, 90], [89, 95], 95),
      run(1, [30], [81], [90], 96),
    ]),
  ],
};

describe('statistics', () => {
  it('finds the incumbent at a time: the last change at or before it', () => {
    const trajectory = RESULT.optimizers[0].runs[0].trajectory;
    expect(incumbentAt(trajectory, 9.99)).toBe(-1);
    expect(incumbentAt(trajectory, 10)).toBe(0);
    expect(incumbentAt(trajectory, 49)).toBe(0);
    expect(incumbentAt(trajectory, 1e9)).toBe(1);
  });

  it('summarizes at the budget: mean ± SE, regret, ranks and paired differences by hand', () => {
    const summary = summarizeExperiment(RESULT, { grid: [100] });
    expect(summary.reference).toBe('random-search');
    const [rea, rs] = summary.optimizers;

    // REA at 100 s: run 0 → 85 (changed at 50 s), run 1 → 82 (88 comes at 200 s)
    expect(rea.atBudget.testAccuracyShort.mean).toBeCloseTo(83.5, 12);
    // sample std of [85, 82] = 3/√2, SE = 3/√2/√2 = 1.5
    expect(rea.atBudget.testAccuracyShort.se).toBeCloseTo(1.5, 12);
    expect(rea.atBudget.testAccuracyLong.mean).toBeCloseTo((92 + 91) / 2, 12);
    // regret: 95 − 85 = 10, 96 − 82 = 14
    expect(rea.atBudget.regretShort.mean).toBeCloseTo(12, 12);
    expect(rea.atBudget.regretShort.se).toBeCloseTo(2, 12);
    expect(rea.atBudget.regretLong.mean).toBeCloseTo(97 - 91.5, 12);
    expect(rea.atEnd.testAccuracyShort.mean).toBeCloseTo((85 + 88) / 2, 12);

    // RS at 100 s: 79 and 81 → REA wins both seeds
    expect(rs.atBudget.testAccuracyShort.mean).toBeCloseTo(80, 12);
    expect([rea.averageRankShort, rs.averageRankShort]).toEqual([1, 2]);
    // long: 92 vs 89, 91 vs 90 → REA first twice
    expect([rea.averageRankLong, rs.averageRankLong]).toEqual([1, 2]);
    // paired differences 85 − 79 = 6 and 82 − 81 = 1: mean 3.5, SE = |6 − 1|/2 = 2.5
    expect(Math.abs(rea.differenceShort.mean - 3.5)).toBeLessThan(TOLERANCE);
    expect(Math.abs(rea.differenceShort.se - 2.5)).toBeLessThan(TOLERANCE);
    expect(rs.differenceShort).toEqual({ mean: 0, se: 0, n: 2 });
  });

  it('builds a log-spaced grid from the time every run has a result to the budget', () => {
    const grid = costGrid(RESULT, 3);
    // latest first result: 30 s (RS, run 1)
    expect(grid[0]).toBe(30);
    expect(grid[1]).toBeCloseTo(30 * (100 / 30) ** 0.5, 9);
    expect(grid[2]).toBe(100);
    const summary = summarizeExperiment(RESULT, { points: 3 });
    // at 54.8 s REA has 85 (run 0) and 82 (run 1)
    expect(summary.optimizers[0].curve.testAccuracyShort[1].mean).toBeCloseTo(83.5, 12);
    expect(summary.optimizers[1].curve.testAccuracyShort[0].mean).toBeCloseTo(80, 12);
  });

  it('lists final values per run for distribution plots', () => {
    expect(finalValues(RESULT).map((v) => [v.id, v.seed, v.testAccuracyShortPct])).toEqual([
      ['regularized-evolution', 0, 85],
      ['regularized-evolution', 1, 82],
      ['random-search', 0, 79],
      ['random-search', 1, 81],
    ]);
  });

  it('ranks with ties averaged and missing values last', () => {
    expect(
      averageRankTable([
        [90, 80],
        [90, Number.NaN],
        [70, Number.NaN],
      ]),
    ).toEqual([(1.5 + 1) / 2, (1.5 + 2.5) / 2, (3 + 2.5) / 2]);
    expect(pairedDifference([1, 2, Number.NaN], [0, 0, 0])).toMatchObject({ mean: 1.5, n: 2 });
  });

  it('ranks no optimizers as an empty table instead of looping forever', () => {
    expect(averageRankTable([])).toEqual([]);
  });
});

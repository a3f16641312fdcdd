import { BATCH_SIZES, cellClassOf, LEARNING_RATES } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { planDefaultBenchmark, runId, SPANNING_CELLS } from './plan.js';

describe('default benchmark plan', () => {
  const plan = planDefaultBenchmark();

  it('covers the issue minimums with distinct runs', () => {
    expect(new Set(plan.map(runId)).size).toBe(plan.length);
    const grid = plan.filter((r) => r.purpose === 'grid');
    expect(new Set(SPANNING_CELLS.map((c) => cellClassOf(c).id)).size).toBe(SPANNING_CELLS.length);
    expect(grid.length).toBe(SPANNING_CELLS.length * 48);
    expect(plan.filter((r) => r.purpose === 'space-filling').length).toBeGreaterThanOrEqual(400);
    expect(plan.filter((r) => r.purpose === 'seeds').length / 2).toBeGreaterThanOrEqual(30);
    const long = plan.filter((r) => r.schedule === 'long');
    expect(long.length).toBeGreaterThanOrEqual(48);
    expect(new Set(long.map((r) => r.classId)).size).toBeGreaterThanOrEqual(8);
  });

  it('balances the space-filling runs over the grid and uses each class once', () => {
    const filling = plan.filter((r) => r.purpose === 'space-filling');
    expect(new Set(filling.map((r) => r.classId)).size).toBe(filling.length);
    for (const lr of LEARNING_RATES) {
      expect(filling.filter((r) => r.lr === lr).length).toBe(filling.length / 8);
    }
    for (const batchSize of BATCH_SIZES) {
      expect(filling.filter((r) => r.batchSize === batchSize).length).toBe(filling.length / 6);
    }
  });

  it('trains class representatives only and is deterministic', () => {
    for (const run of plan) expect(cellClassOf(run.cellCode).representative).toBe(run.cellCode);
    expect(planDefaultBenchmark().map(runId)).toEqual(plan.map(runId));
  });

  it('interleaves the parts so an early stop still covers each', () => {
    const first = plan.slice(0, Math.ceil(plan.length / 10));
    for (const purpose of ['grid', 'space-filling', 'seeds', 'long']) {
      expect(first.some((r) => r.purpose === purpose)).toBe(true);
    }
  });
});

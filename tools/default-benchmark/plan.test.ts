import { BATCH_SIZES, cellClassOf, LEARNING_RATES } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import {
  EXTRA_SEEDS,
  type PlannedRun,
  PRIMARY_SEED,
  planDefaultBenchmark,
  runId,
  SPANNING_CELLS,
  spreadPairOrder,
} from './plan.js';

const pairOf = (run: PlannedRun) =>
  LEARNING_RATES.indexOf(run.lr as never) * 6 + BATCH_SIZES.indexOf(run.batchSize as never);
const configOf = (run: PlannedRun) => `${run.cellCode}/${run.lr}/${run.batchSize}`;

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

  it('covers the spanning kinds the issue names', () => {
    const grid = plan.filter((r) => r.purpose === 'grid');
    const kinds = ['2|22|222', '3|33|333', '0|00|000', '1|11|111'].map((c) => cellClassOf(c).id);
    for (const id of kinds) expect(grid.filter((r) => r.classId === id).length).toBe(48);
    for (const cell of SPANNING_CELLS) {
      const pairs = grid.filter((r) => r.classId === cellClassOf(cell).id).map(pairOf);
      expect(new Set(pairs).size).toBe(48);
    }
  });

  it('has 3 seeds for at least 30 configurations and long runs over 8+ classes', () => {
    const seeds = new Map<string, Set<number>>();
    for (const run of plan.filter((r) => r.schedule === 'short')) {
      const set = seeds.get(configOf(run)) ?? new Set<number>();
      set.add(run.seed);
      seeds.set(configOf(run), set);
    }
    const triples = [...seeds.values()].filter((s) => s.size === 3);
    expect(triples.length).toBeGreaterThanOrEqual(30);
    for (const s of triples) expect([...s].sort()).toEqual([PRIMARY_SEED, ...EXTRA_SEEDS]);
    const long = plan.filter((r) => r.purpose === 'long');
    // Long runs are spread: spanning cells and other classes, each with its short run planned.
    expect(long.every((r) => r.schedule === 'long' && r.seeds === undefined)).toBe(true);
    expect(new Set(long.map((r) => r.classId)).size).toBeGreaterThanOrEqual(30);
    const spanningIds = new Set(SPANNING_CELLS.map((c) => cellClassOf(c).id));
    expect(long.filter((r) => spanningIds.has(r.classId)).length).toBe(30);
    for (const run of long) expect(seeds.get(configOf(run))?.has(PRIMARY_SEED)).toBe(true);
  });

  it('ends with the long seed study: the 12 earliest long configurations with all three seeds', () => {
    const study = plan.filter((r) => r.purpose === 'long-seeds');
    expect(study.length).toBe(12);
    // Last in the plan, so the order (and the shards) of the runs before it stay as they were.
    expect(plan.slice(-12)).toEqual(study);
    const long = plan.filter((r) => r.purpose === 'long');
    expect(study.map(configOf)).toEqual(long.slice(0, 12).map(configOf));
    for (const run of study) {
      expect(run.schedule).toBe('long');
      expect(run.seeds).toEqual([PRIMARY_SEED, ...EXTRA_SEEDS]);
    }
    // Spread over spanning cells and other classes, as the long runs.
    expect(new Set(study.map((r) => r.classId)).size).toBeGreaterThanOrEqual(8);
    expect(planDefaultBenchmark({ longSeedConfigs: 0 }).length).toBe(plan.length - 12);
    expect(
      planDefaultBenchmark({ longConfigs: 5 }).filter((r) => r.purpose === 'long-seeds').length,
    ).toBe(5);
  });

  it('orders the grid round-robin over the spanning cells with spread pairs', () => {
    const grid = plan.filter((r) => r.purpose === 'grid');
    // After 10 × k grid runs every cell has exactly k pairs.
    for (const k of [1, 3, 6, 24]) {
      const counts = new Map<number, number>();
      for (const run of grid.slice(0, 10 * k))
        counts.set(run.classId, (counts.get(run.classId) ?? 0) + 1);
      expect([...counts.values()]).toEqual(Array(10).fill(k));
    }
    // A cell's first 4 pairs reach both halves of each axis.
    for (const cell of SPANNING_CELLS) {
      const first = grid
        .filter((r) => r.classId === cellClassOf(cell).id)
        .slice(0, 4)
        .map(pairOf);
      const lrHalves = new Set(first.map((p) => Math.floor(p / 6) >= 4));
      const bsHalves = new Set(first.map((p) => p % 6 >= 3));
      expect(lrHalves.size).toBe(2);
      expect(bsHalves.size).toBe(2);
    }
  });

  it('runs every seed and long run after its primary-seed short run', () => {
    const position = new Map(plan.map((run, i) => [runId(run), i]));
    for (const [i, run] of plan.entries()) {
      if (run.purpose !== 'seeds' && run.purpose !== 'long') continue;
      const base = runId({ ...run, seed: PRIMARY_SEED, schedule: 'short' });
      expect(position.get(base)).toBeLessThan(i);
    }
  });

  it('puts a useful subset first: the first 10% trains every spanning cell, 50+ classes, seeds and long runs', () => {
    const first = plan.slice(0, Math.round(plan.length / 10));
    const grid = first.filter((r) => r.purpose === 'grid');
    expect(new Set(grid.map((r) => r.classId)).size).toBe(10);
    expect(new Set(first.map((r) => r.classId)).size).toBeGreaterThanOrEqual(50);
    expect(first.filter((r) => r.purpose === 'seeds').length).toBeGreaterThanOrEqual(6);
    expect(first.filter((r) => r.schedule === 'long').length).toBeGreaterThanOrEqual(5);
  });
});

describe('spread pair order', () => {
  const point = (pair: number) => ({ x: Math.floor(pair / 6) / 7, y: (pair % 6) / 5 });
  const distance = (a: number, b: number) =>
    Math.hypot(point(a).x - point(b).x, point(a).y - point(b).y);

  it('is a permutation starting at a central pair, each next pair farthest from those taken', () => {
    for (const seed of [0, 1, 7, 123]) {
      const order = spreadPairOrder(seed);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i));
      // Central pairs: lr index 3 or 4 and batch-size index 2 or 3.
      expect([3, 4]).toContain(Math.floor(order[0] / 6));
      expect([2, 3]).toContain(order[0] % 6);
      for (let k = 1; k < 48; k++) {
        const taken = order.slice(0, k);
        const gap = (pair: number) => Math.min(...taken.map((t) => distance(t, pair)));
        const best = Math.max(...order.slice(k).map(gap));
        expect(gap(order[k])).toBeCloseTo(best, 12);
      }
    }
  });

  it('depends on its seed and is deterministic', () => {
    expect(spreadPairOrder(5)).toEqual(spreadPairOrder(5));
    const orders = new Set([0, 1, 2, 3, 4, 5].map((s) => spreadPairOrder(s).join(',')));
    expect(orders.size).toBeGreaterThan(1);
  });
});

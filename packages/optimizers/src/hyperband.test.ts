import { makeSyntheticBenchmark } from '@nashpobench2/dataset';
import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { type SearchOracle, validationOracle } from './benchmark-view.js';
import { runExperiment, runOptimizer } from './experiment.js';
import type { OptimizerContext } from './optimizer.js';
import { optimizerDefinition, resolveSettings } from './registry.js';
import { runSearchLoop } from './search-loop.js';
import { summarizeExperiment } from './statistics.js';

// the dataset package's full-size synthetic benchmark: real `Benchmark` query semantics
const bench = makeSyntheticBenchmark();
const EPOCH_TOLERANCE = 1e-9;

function run(id: string, oracle: SearchOracle, overrides = {}, budgetSeconds = 20_000) {
  const definition = optimizerDefinition(id);
  const settings = resolveSettings(id, overrides);
  const clock = { now: 0 };
  const context: OptimizerContext = {
    rng: createRng(11),
    maxEpochs: 12,
    budgetSeconds,
    now: () => clock.now,
  };
  const optimizer = definition.create(context, settings);
  const loop = { budgetSeconds, ignoreBudget: definition.ignoresBudget(settings) };
  return runSearchLoop(oracle, optimizer, loop, clock);
}

describe('cost accounting on a full-size benchmark', () => {
  it('charges > 0 at every fidelity, and more for every extra epoch', () => {
    const rng = createRng(1);
    for (let k = 0; k < 300; k++) {
      const index = rng.int(196_608);
      for (const seed of [...bench.seeds, undefined]) {
        let previous = 0;
        for (let epochs = 1; epochs <= 12; epochs++) {
          const cost = bench.costAt(index, 'valid', epochs, seed);
          expect(cost).toBeGreaterThan(previous);
          previous = cost;
        }
      }
    }
  });

  it('hyperband: a promoted configuration pays only its extra epochs, less than a restart', () => {
    const oracle = validationOracle(bench, 555);
    const log = run('hyperband', oracle, { iterations: 6 });
    const trained = new Map<number, number>();
    let continued = 0;
    log.index.forEach((index, k) => {
      const epochs = log.epochs[k];
      const before = trained.get(index) ?? 0;
      const restart = oracle.cost(index, epochs);
      if (before > 0 && before < epochs) {
        continued++;
        const extra = restart - oracle.cost(index, before);
        expect(Math.abs(log.costSeconds[k] - extra)).toBeLessThan(EPOCH_TOLERANCE);
        expect(log.costSeconds[k]).toBeLessThan(restart);
      } else {
        expect(log.costSeconds[k]).toBe(restart);
      }
      expect(log.costSeconds[k]).toBeGreaterThan(0);
      trained.set(index, Math.max(before, epochs));
    });
    // brackets s = 2, 1, 0, 2, 1, 0: promotions 3 + 1, 1, 0 per cycle
    expect(continued).toBe(2 * (3 + 1 + 1));
    // iterations: 13 + 4 + 3 evaluations per cycle of three brackets
    expect(log.index).toHaveLength(2 * 20);
  });

  it('successive halving repeats the most aggressive bracket: 9 × 1, 3 × 4, 1 × 12 epochs', () => {
    const log = run('successive-halving', validationOracle(bench, 222), { iterations: 3 });
    expect(log.epochs).toEqual(
      Array.from({ length: 3 }, () => [...Array(9).fill(1), 4, 4, 4, 12]).flat(),
    );
  });

  it('a run charges monotone cumulative cost and never exceeds the budget by more than one evaluation', () => {
    for (const id of ['random-search', 'regularized-evolution', 'hyperband', 'rs-then-rea']) {
      const result = runOptimizer(bench, id, 4, { budgetSeconds: 5000 });
      const costs = result.trajectory.costSeconds;
      for (let k = 1; k < costs.length; k++) expect(costs[k]).toBeGreaterThan(costs[k - 1]);
      expect(result.endSeconds).toBeGreaterThanOrEqual(5000);
      expect(result.endSeconds).toBeLessThan(5000 + 12 * 60);
      expect(result.totalCostSeconds).toBeCloseTo(result.endSeconds, 6); // one worker
      // The last evaluation crosses the budget: it finished after it.
      expect(result.evaluationsByBudget).toBe(result.evaluations - 1);
    }
  });

  it('counts the evaluations finished by the budget apart from those of an optimizer that ignores it', () => {
    // BOHB runs its 40 iterations whatever the budget; 5,000 s ends long before them.
    const result = runOptimizer(bench, 'bohb', 4, { budgetSeconds: 5000 });
    expect(result.endSeconds).toBeGreaterThan(5000);
    const finishedAt = result.trajectory.timeSeconds;
    expect(finishedAt.length).toBeGreaterThan(0);
    expect(result.evaluationsByBudget).toBeGreaterThan(0);
    expect(result.evaluationsByBudget).toBeLessThan(result.evaluations);
    // The incumbent trajectory's evaluation counts up to the budget never exceed the count.
    finishedAt.forEach((t, k) => {
      if (t <= 5000)
        expect(result.trajectory.evaluations[k]).toBeLessThanOrEqual(
          result.evaluationsByBudget ?? -1,
        );
    });
    const experiment = runExperiment(bench, ['bohb'], { runs: 1, seed: 4, budgetSeconds: 5000 });
    expect(experiment.optimizers[0].runs[0]).toEqual(result);
    const summary = summarizeExperiment(experiment);
    expect(summary.optimizers[0].evaluations.mean).toBe(result.evaluationsByBudget);
    expect(summary.optimizers[0].evaluationsAtEnd.mean).toBe(result.evaluations);
  });
});

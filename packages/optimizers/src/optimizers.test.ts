import { createRng } from '@nashpobench2/search-space';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticBenchmark } from './__fixtures__/synthetic-benchmark.js';
import { type BenchmarkView, validationOracle } from './benchmark-view.js';
import { runOptimizer, scoreTrajectory } from './experiment.js';
import {
  expandOptimizerList,
  OPTIMIZERS,
  optimizerDefinition,
  PAPER_OPTIMIZER_IDS,
  resolveSettings,
} from './registry.js';
import { runSearchLoop } from './search-loop.js';

const bench = syntheticBenchmark();
const OPTIONS = { budgetSeconds: 4000 };

/** A benchmark that throws if anything reads test or long-training values. */
function guarded(inner: BenchmarkView): BenchmarkView {
  return {
    protocol: inner.protocol,
    seeds: inner.seeds,
    accuracyAt: (index, mode, iepoch, seed) => {
      if (mode !== 'valid') throw new Error(`peeked at ${mode} accuracy`);
      return inner.accuracyAt(index, mode, iepoch, seed);
    },
    costAt: (index, mode, iepoch, seed) => inner.costAt(index, mode, iepoch, seed),
    longAccuracyAt: () => {
      throw new Error('peeked at long accuracy');
    },
  };
}

describe('every optimizer', () => {
  it('has the paper ids', () => {
    expect(PAPER_OPTIMIZER_IDS).toEqual([
      'random-search',
      'regularized-evolution',
      'reinforce',
      'bohb',
      'rs-then-rea',
      'bohb-then-rea',
    ]);
    expect(expandOptimizerList('paper,tpe,bohb')).toEqual([...PAPER_OPTIMIZER_IDS, 'tpe']);
    expect(() => expandOptimizerList('nope')).toThrow(
      /optimizer 'nope' is not valid; allowed: random-search/,
    );
    for (const empty of ['', ',', ' , ']) {
      expect(() => expandOptimizerList(empty)).toThrow(
        /optimizer list '.*' is not valid; allowed: 'paper', 'all' or a comma list of ids/,
      );
    }
    expect(() => resolveSettings('bohb', { eta: 'x' })).toThrow(/bohb.eta/);
    expect(() => resolveSettings('bohb', { colour: 1 })).toThrow(/colour/);
  });

  for (const { id } of OPTIMIZERS) {
    it(`${id}: same seed, same trajectory; another seed, another`, () => {
      const a = runOptimizer(bench, id, 7, OPTIONS);
      const b = runOptimizer(bench, id, 7, OPTIONS);
      const c = runOptimizer(bench, id, 8, OPTIONS);
      expect(b).toEqual(a);
      expect(c.trajectory.index).not.toEqual(a.trajectory.index);
      const parallel = { ...OPTIONS, workers: 3 };
      expect(runOptimizer(bench, id, 7, parallel)).toEqual(runOptimizer(bench, id, 7, parallel));
    });

    it(`${id}: the search never reads test or long accuracy`, () => {
      const view = guarded(bench);
      const definition = optimizerDefinition(id);
      const settings = resolveSettings(id);
      const clock = { now: 0 };
      const context = {
        rng: createRng(3),
        maxEpochs: 12,
        budgetSeconds: 3000,
        now: () => clock.now,
      };
      const optimizer = definition.create(context, settings);
      const options = {
        budgetSeconds: 3000,
        workers: 2,
        ignoreBudget: definition.ignoresBudget(settings),
      };
      const log = runSearchLoop(validationOracle(view), optimizer, options, clock);
      expect(log.index.length).toBeGreaterThan(0);
      // scoring afterwards is what reads test accuracy
      expect(() => scoreTrajectory(view, log, undefined, 'any-fidelity')).toThrow(/peeked/);
    });
  }

  it('the trajectory is monotone in validation accuracy and cumulative cost', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPTIMIZERS.map((o) => o.id)),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(1, 3),
        (id, seed, workers) => {
          const run = runOptimizer(bench, id, seed, { budgetSeconds: 3000, workers });
          const t = run.trajectory;
          for (let k = 1; k < t.index.length; k++) {
            expect(t.validAccuracyPct[k]).toBeGreaterThan(t.validAccuracyPct[k - 1]);
            expect(t.costSeconds[k]).toBeGreaterThan(t.costSeconds[k - 1]);
            expect(t.timeSeconds[k]).toBeGreaterThanOrEqual(t.timeSeconds[k - 1]);
          }
          expect(run.totalCostSeconds).toBeGreaterThan(0);
          for (const index of t.index) expect(index >= 0 && index < 196_608).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});

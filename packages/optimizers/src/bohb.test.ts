import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { syntheticBenchmark } from './__fixtures__/synthetic-benchmark.js';
import { validationOracle } from './benchmark-view.js';
import { BohbSampler } from './bohb-sampler.js';
import { encodeComponents, FULL_SPACE } from './components.js';
import { optimizerDefinition, resolveSettings } from './registry.js';
import { runSearchLoop } from './search-loop.js';

const MODEL = {
  topNPercent: 15,
  minPointsInModel: null,
  numSamples: 4,
  randomFraction: 0,
  bandwidthFactor: 3,
  minBandwidth: 0.3,
  hyperparameterKind: 'ordinal' as const,
};

function runBohb(seed: number) {
  const definition = optimizerDefinition('bohb');
  const settings = resolveSettings('bohb');
  const clock = { now: 0 };
  const context = {
    rng: createRng(seed),
    maxEpochs: 12,
    budgetSeconds: 20_000,
    now: () => clock.now,
  };
  const optimizer = definition.create(context, settings);
  const oracle = validationOracle(syntheticBenchmark(), 222);
  const loop = { budgetSeconds: 20_000, ignoreBudget: definition.ignoresBudget(settings) };
  return runSearchLoop(oracle, optimizer, loop, clock);
}

describe('BOHB', () => {
  it('queries only 1, 4 and 12 epochs and runs exactly 40 iterations', () => {
    const log = runBohb(0);
    expect(new Set(log.epochs)).toEqual(new Set([1, 4, 12]));
    // per 3 iterations: s=2 → 9 + 3 + 1, s=1 → 3 + 1, s=0 → 3 = 20 evaluations;
    // 40 iterations = 13 cycles + one s=2 bracket = 13 · 20 + 13
    expect(log.index.length).toBe(273);
    const count = (epochs: number) => log.epochs.filter((e) => e === epochs).length;
    expect(count(1)).toBe(14 * 9);
    expect(count(4)).toBe(14 * 3 + 13 * 3);
    expect(count(12)).toBe(14 + 13 + 13 * 3);
  });

  it('charges every rung from scratch (HpBandSter workers do not resume)', () => {
    const log = runBohb(1);
    const oracle = validationOracle(syntheticBenchmark(), 222);
    log.index.forEach((index, k) => {
      expect(log.costSeconds[k]).toBe(oracle.cost(index, log.epochs[k]));
    });
  });

  it('builds a budget model once it has more points than 2 × (dims + 1) − 1', () => {
    const sampler = new BohbSampler(createRng(0), FULL_SPACE, MODEL);
    for (let k = 0; k < 17; k++) {
      const index = encodeComponents([k % 4, (k + 1) % 4, 0, 1, 2, 3, k % 8, k % 6]);
      sampler.observe({
        index,
        epochs: 1,
        validAccuracyPct: k,
        costSeconds: 1,
        finishedAtSeconds: 0,
      });
    }
    // 17 points: 9 good, 8 bad ≤ 8 dimensions → no model yet (HpBandSter's check)
    expect(sampler.modelBudgets()).toEqual([]);
    sampler.observe({
      index: 5,
      epochs: 1,
      validAccuracyPct: 3,
      costSeconds: 1,
      finishedAtSeconds: 0,
    });
    expect(sampler.modelBudgets()).toEqual([1]);
  });

  it('samples around the good points: every draw keeps most good values for a tight model', () => {
    // two free ordinal components; good points all at (lr 5, batch 2), bad ones elsewhere
    const space = { free: [6, 7], base: 0 };
    const sampler = new BohbSampler(createRng(4), space, { ...MODEL, minBandwidth: 0.05 });
    for (let k = 0; k < 40; k++) {
      const good = k < 20;
      const values = [0, 0, 0, 0, 0, 0, good ? 5 : k % 5, good ? 2 : 3 + (k % 3)];
      const validAccuracyPct = good ? 90 : 20;
      sampler.observe({
        index: encodeComponents(values),
        epochs: 12,
        validAccuracyPct,
        costSeconds: 1,
        finishedAtSeconds: 0,
      });
    }
    // good data are constant → bandwidth clipped to 0.05 → a draw keeps the value w.p. 0.95
    let hits = 0;
    for (let k = 0; k < 200; k++) if (sampler.sample() % 48 === 5 * 6 + 2) hits++;
    expect(hits).toBeGreaterThan(180);
  });
});

import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { syntheticBenchmark } from './__fixtures__/synthetic-benchmark.js';
import { validationOracle } from './benchmark-view.js';
import { decodeIndex, encodeComponents } from './components.js';
import type { Observation, OptimizerContext } from './optimizer.js';
import { optimizerDefinition, resolveSettings } from './registry.js';
import { runSearchLoop } from './search-loop.js';
import type { TwoStage } from './two-stage.js';

const bench = syntheticBenchmark();

function runTwoStage(id: string, seed: number, overrides = {}, budgetSeconds = 20_000) {
  const definition = optimizerDefinition(id);
  const settings = resolveSettings(id, overrides);
  const clock = { now: 0 };
  const context: OptimizerContext = {
    rng: createRng(seed),
    maxEpochs: 12,
    budgetSeconds,
    now: () => clock.now,
  };
  const optimizer = definition.create(context, settings) as TwoStage;
  const log = runSearchLoop(validationOracle(bench, 222), optimizer, { budgetSeconds }, clock);
  return { log, optimizer };
}

describe('two-stage baselines', () => {
  it('rs-then-rea: lr and batch size on one cell for 5,000 s, then cells with the best pair', () => {
    const { log, optimizer } = runTwoStage('rs-then-rea', 3);
    const firstStage = log.startedAtSeconds.map((t) => t < 5000);
    const switchAt = firstStage.indexOf(false);
    expect(switchAt).toBeGreaterThan(10);

    // stage 1: one cell; the evaluation that crosses 5,000 s is the last one it starts
    const cell = Math.floor(log.index[0] / 48);
    for (let k = 0; k < switchAt; k++) expect(Math.floor(log.index[k] / 48)).toBe(cell);
    expect(log.finishedAtSeconds[switchAt - 1]).toBeGreaterThanOrEqual(5000);
    expect(log.finishedAtSeconds[switchAt - 2]).toBeLessThan(5000);
    expect(new Set(log.index.slice(0, switchAt).map((i) => i % 48)).size).toBeGreaterThan(5);

    // the pair of the best stage-1 validation accuracy, computed here from the log
    let best = 0;
    for (let k = 1; k < switchAt; k++) {
      if (log.validAccuracyPct[k] > log.validAccuracyPct[best]) best = k;
    }
    const pair = log.index[best] % 48;
    expect(optimizer.firstStageBest()?.index).toBe(log.index[best]);
    const secondStage = log.index.slice(switchAt);
    expect(secondStage.every((index) => index % 48 === pair)).toBe(true);
    expect(new Set(secondStage.map((index) => Math.floor(index / 48))).size).toBeGreaterThan(20);
    expect(log.startedAtSeconds.at(-1)).toBeLessThan(20_000);
  });

  it('bohb-then-rea: BOHB on lr and batch size at 1, 4, 12 epochs, then 12-epoch REA', () => {
    const { log } = runTwoStage('bohb-then-rea', 5);
    const switchAt = log.startedAtSeconds.findIndex((t) => t >= 5000);
    const stage1 = log.epochs.slice(0, switchAt);
    expect(new Set(stage1)).toEqual(new Set([1, 4, 12]));
    const cell = Math.floor(log.index[0] / 48);
    expect(log.index.slice(0, switchAt).every((i) => Math.floor(i / 48) === cell)).toBe(true);
    expect(log.epochs.slice(switchAt).every((e) => e === 12)).toBe(true);
  });

  it("bohb-then-rea with the authors' script settings: exactly 4 BOHB iterations, no time limit", () => {
    const overrides = {
      firstStageSeconds: null,
      firstStageFraction: null,
      firstStageIterations: 4,
      numSamples: 5,
    };
    const { log } = runTwoStage('bohb-then-rea', 6, overrides);
    // brackets s = 2, 1, 0, 2: 9 + 3 + 1, 3 + 1, 3, 9 + 3 + 1 evaluations
    const stage1 = 13 + 4 + 3 + 13;
    expect(log.epochs.slice(0, stage1).filter((e) => e === 1)).toHaveLength(18);
    const cell = Math.floor(log.index[0] / 48);
    expect(log.index.slice(0, stage1).every((i) => Math.floor(i / 48) === cell)).toBe(true);
    // the 10 random members of the REA population keep one pair, and their cells vary
    const population = log.index.slice(stage1, stage1 + 10);
    expect(new Set(population.map((i) => i % 48)).size).toBe(1);
    expect(new Set(population.map((i) => Math.floor(i / 48))).size).toBeGreaterThan(5);
  });

  it('takes the best of the first stage at any fidelity, as the authors read the run log', () => {
    const clock = { now: 0 };
    const context: OptimizerContext = {
      rng: createRng(0),
      maxEpochs: 12,
      budgetSeconds: 20_000,
      now: () => clock.now,
    };
    const settings = resolveSettings('rs-then-rea');
    const two = optimizerDefinition('rs-then-rea').create(context, settings) as TwoStage;
    // the best result is a 1-epoch one: the API log compares accuracies at any fidelity
    const told = (tag: number, index: number, accuracy: number): Observation => ({
      index,
      epochs: accuracy === 75 ? 1 : 12,
      validAccuracyPct: accuracy,
      costSeconds: 1000,
      finishedAtSeconds: clock.now,
      tag,
    });
    const accuracies = [40, 75, 60];
    for (const accuracy of accuracies) {
      const proposal = two.ask()!;
      clock.now += 2000;
      two.tell(told(proposal.tag!, proposal.index, accuracy));
    }
    expect(two.stage).toBe(1); // switches at the next ask, now = 6,000 s
    const bestPair = two.firstStageBest()!.index % 48;
    const child = two.ask()!;
    expect(two.stage).toBe(2);
    expect(child.index % 48).toBe(bestPair);
    expect(two.firstStageBest()!.validAccuracyPct).toBe(75);
  });

  it('rejects a random-search first stage without a time limit', () => {
    expect(() =>
      resolveSettings('rs-then-rea', { firstStageSeconds: null, firstStageFraction: null }),
    ).toThrow(
      /rs-then-rea\.firstStage 'all null' is not valid; allowed: one of firstStageSeconds > 0 or firstStageFraction in \(0, 1\] set \(not both null\)/,
    );
    expect(() => resolveSettings('rs-then-rea', { firstStageFraction: null })).toThrow(
      /rs-then-rea\.firstStage 'all null'/,
    );
    expect(() => resolveSettings('bohb-then-rea', { firstStageFraction: null })).toThrow(
      /or firstStageIterations ≥ 1 set \(not all null\)/,
    );
    expect(() => resolveSettings('rs-then-rea', { firstStageFraction: 0 })).toThrow(
      /firstStageFraction 0 is not valid/,
    );
  });

  it('takes the first stage in seconds or as a share of the budget, never both', () => {
    // Seconds alone: the default share no longer applies (it used to be ignored silently).
    const seconds = resolveSettings('bohb-then-rea', { firstStageSeconds: 3000 });
    expect(seconds.firstStageSeconds).toBe(3000);
    expect(seconds.firstStageFraction).toBeNull();
    expect(resolveSettings('rs-then-rea', { firstStageFraction: 0.5 }).firstStageFraction).toBe(
      0.5,
    );
    expect(() =>
      resolveSettings('rs-then-rea', { firstStageSeconds: 3000, firstStageFraction: 0.5 }),
    ).toThrow(
      /rs-then-rea\.firstStageFraction 0\.5 is not valid; allowed: null when firstStageSeconds is set/,
    );
    // Both given with the share null is the explicit form of seconds alone.
    const explicit = { firstStageSeconds: 3000, firstStageFraction: null };
    expect(resolveSettings('rs-then-rea', explicit).firstStageFraction).toBeNull();
  });

  it('gives the first stage a quarter of any budget by default, or fixed seconds when set', () => {
    // 8,000 s: the first stage starts nothing at or after 2,000 s.
    const quarter = runTwoStage('rs-then-rea', 4, {}, 8000).log;
    const switchAt = quarter.startedAtSeconds.findIndex((t) => t >= 2000);
    const cell = Math.floor(quarter.index[0] / 48);
    expect(switchAt).toBeGreaterThan(3);
    for (let k = 0; k < switchAt; k++) expect(Math.floor(quarter.index[k] / 48)).toBe(cell);
    expect(quarter.finishedAtSeconds[switchAt - 1]).toBeGreaterThanOrEqual(2000);
    // the pair is fixed from the switch on, while cells vary
    const pairs = new Set(quarter.index.slice(switchAt).map((i) => i % 48));
    expect(pairs.size).toBe(1);
    // fixed 5,000 s ignores the budget's size
    const fixed = runTwoStage('rs-then-rea', 4, { firstStageSeconds: 5000 }, 8000).log;
    const fixedSwitch = fixed.startedAtSeconds.findIndex((t) => t >= 5000);
    for (let k = 0; k < fixedSwitch; k++) expect(Math.floor(fixed.index[k] / 48)).toBe(cell);
  });
});

describe('encodeComponents', () => {
  it('keeps a pair when only cell components change', () => {
    const values = decodeIndex(12_345);
    values[0] = (values[0] + 1) % 4;
    expect(encodeComponents(values) % 48).toBe(12_345 % 48);
  });
});

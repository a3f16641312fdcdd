import { describe, expect, it } from 'vitest';
import type { SearchOracle } from './benchmark-view.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';
import { runSearchLoop } from './search-loop.js';

/** Oracle whose evaluation of index i for e epochs costs (i + 1)·e seconds, accuracy = i + e. */
const oracle: SearchOracle = {
  maxEpochs: 12,
  validAccuracy: (index, epochs) => index + epochs,
  cost: (index, epochs) => (index + 1) * epochs,
};

/** Proposes a fixed script and records what it was told. */
function scripted(proposals: Proposal[]): Optimizer & { told: Observation[] } {
  const queue = [...proposals];
  const told: Observation[] = [];
  return { told, ask: () => queue.shift() ?? null, tell: (o) => told.push(o) };
}

describe('runSearchLoop', () => {
  it('simulates two asynchronous workers on a hand-checked example', () => {
    // index 2 @1 epoch: 3 s; index 0 @2: 2 s; index 1 @1: 2 s; index 0 @1: 1 s
    const optimizer = scripted([
      { index: 2, epochs: 1 },
      { index: 0, epochs: 2 },
      { index: 1, epochs: 1 },
      { index: 0, epochs: 1 },
    ]);
    const log = runSearchLoop(oracle, optimizer, { budgetSeconds: 100, workers: 2 });
    // worker A: [0,3] index 2, then [3,4] index 0@1; worker B: [0,2] index 0@2, [2,4] index 1
    // finish order: t=2 (0@2), t=3 (2@1), t=4 (1@1, started at 2), t=4 (0@1, started at 3)
    expect(log.index).toEqual([0, 2, 1, 0]);
    expect(log.startedAtSeconds).toEqual([0, 0, 2, 3]);
    expect(log.finishedAtSeconds).toEqual([2, 3, 4, 4]);
    expect(optimizer.told.map((o) => o.validAccuracyPct)).toEqual([2, 3, 2, 1]);
  });

  it('stops starting evaluations at the budget but finishes running ones', () => {
    const optimizer = scripted(Array.from({ length: 10 }, () => ({ index: 1, epochs: 3 })));
    const log = runSearchLoop(oracle, optimizer, { budgetSeconds: 13 });
    // each costs 6 s: starts at 0, 6, 12 (< 13), not at 18
    expect(log.finishedAtSeconds).toEqual([6, 12, 18]);
  });

  it('charges only the extra epochs when continuing, and a restart in full', () => {
    const optimizer = scripted([
      { index: 4, epochs: 1 },
      { index: 4, epochs: 4, continueTraining: true },
      { index: 4, epochs: 12, continueTraining: false },
      { index: 4, epochs: 2, continueTraining: true },
    ]);
    const log = runSearchLoop(oracle, optimizer, { budgetSeconds: 1000 });
    // 5 s/epoch: 1 epoch 5 s; 1→4 continues 15 s (not 20); 12 from scratch 60 s; 2 < 12 trained → full 10 s
    expect(log.costSeconds).toEqual([5, 15, 60, 10]);
    expect(log.validAccuracyPct).toEqual([5, 8, 16, 6]);
  });

  it('keeps cumulative time monotone and cost positive with one worker', () => {
    const proposals = Array.from({ length: 30 }, (_, k) => ({
      index: k * 7,
      epochs: 1 + (k % 12),
    }));
    const log = runSearchLoop(oracle, scripted(proposals), { budgetSeconds: 1e9 });
    for (let k = 0; k < log.index.length; k++) {
      expect(log.costSeconds[k]).toBeGreaterThan(0);
      if (k > 0) expect(log.finishedAtSeconds[k]).toBeGreaterThan(log.finishedAtSeconds[k - 1]);
    }
  });

  it('rejects proposals outside the space and bad settings', () => {
    expect(() =>
      runSearchLoop(oracle, scripted([{ index: 196_608, epochs: 1 }]), { budgetSeconds: 1 }),
    ).toThrow(/proposal.index 196608/);
    expect(() =>
      runSearchLoop(oracle, scripted([{ index: 0, epochs: 13 }]), { budgetSeconds: 1 }),
    ).toThrow(/integers 1..12/);
    expect(() => runSearchLoop(oracle, scripted([]), { budgetSeconds: 0 })).toThrow(/seconds > 0/);
    expect(() => runSearchLoop(oracle, scripted([]), { budgetSeconds: 1, workers: 0 })).toThrow();
  });

  it('freezes observations and echoes tags', () => {
    const optimizer = scripted([{ index: 3, epochs: 2, tag: 42 }]);
    runSearchLoop(oracle, optimizer, { budgetSeconds: 100 });
    const [observation] = optimizer.told;
    expect(Object.isFrozen(observation)).toBe(true);
    expect(Object.keys(observation).sort()).toEqual(
      ['costSeconds', 'epochs', 'finishedAtSeconds', 'index', 'tag', 'validAccuracyPct'].sort(),
    );
    expect(observation.tag).toBe(42);
  });
});

import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { decodeIndex } from './components.js';
import type { Observation } from './optimizer.js';
import { Tpe } from './tpe.js';

const observe = (index: number, validAccuracyPct: number): Observation => ({
  index,
  epochs: 12,
  validAccuracyPct,
  costSeconds: 1,
  finishedAtSeconds: 0,
});

describe('Tpe', () => {
  const settings = { gamma: 0.25, startupTrials: 10, candidates: 24, priorWeight: 1, epochs: 12 };

  it('is random for the start-up trials, then favours the values of the good quantile', () => {
    const tpe = new Tpe(createRng(2), settings);
    // reward: 90 % when the learning rate index is 5, else 40 %
    const reward = (index: number) => (decodeIndex(index)[6] === 5 ? 90 : 40);
    let startupHits = 0;
    for (let k = 0; k < 40; k++) {
      const { index } = tpe.ask();
      if (k < 10 && decodeIndex(index)[6] === 5) startupHits++;
      tpe.tell(observe(index, reward(index)));
    }
    expect(startupHits).toBeLessThan(5);
    let hits = 0;
    for (let k = 0; k < 50; k++) {
      const { index } = tpe.ask();
      if (decodeIndex(index)[6] === 5) hits++;
      tpe.tell(observe(index, reward(index)));
    }
    // uniform sampling would hit lr 5 one time in 8 (about 6 of 50)
    expect(hits).toBeGreaterThan(35);
  });
});

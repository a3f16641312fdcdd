import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { neighbourIndices } from './components.js';
import type { Observation } from './optimizer.js';
import { RegularizedEvolution } from './regularized-evolution.js';

const observe = (index: number, validAccuracyPct: number): Observation => ({
  index,
  epochs: 12,
  validAccuracyPct,
  costSeconds: 1,
  finishedAtSeconds: 0,
});

describe('RegularizedEvolution', () => {
  const settings = { populationSize: 3, sampleSize: 2, epochs: 12 };

  it('starts with populationSize random members, then waits for results', () => {
    const rea = new RegularizedEvolution(createRng(1), settings);
    const first = [rea.ask(), rea.ask(), rea.ask()];
    expect(first.every((p) => p !== null && p.epochs === 12)).toBe(true);
    expect(rea.ask()).toBeNull();
  });

  it('removes the oldest member, not the worst', () => {
    const rea = new RegularizedEvolution(createRng(1), settings);
    for (let k = 0; k < 3; k++) rea.ask();
    rea.tell(observe(100, 90)); // oldest and best
    rea.tell(observe(200, 10));
    rea.tell(observe(300, 20));
    rea.tell(observe(400, 5)); // worst, youngest
    expect(rea.population().map((m) => m.index)).toEqual([200, 300, 400]);
    rea.tell(observe(500, 1));
    expect(rea.population().map((m) => m.index)).toEqual([300, 400, 500]);
  });

  it('mutates the best of the tournament in one component', () => {
    const rea = new RegularizedEvolution(createRng(2), { ...settings, sampleSize: 50 });
    for (let k = 0; k < 3; k++) rea.ask();
    rea.tell(observe(1000, 10));
    rea.tell(observe(2000, 99));
    rea.tell(observe(3000, 20));
    // with 50 draws (with replacement) from 3 members the best one is almost surely drawn
    for (let k = 0; k < 20; k++) {
      expect(neighbourIndices(2000)).toContain(rea.ask()!.index);
    }
  });
});

import { createRng, type Rng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { encodeComponents, neighbourIndices } from './components.js';
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

  it('mutates the best of the drawn sample, not of the population, by hand', () => {
    // a scripted random source: three initial indices (7, 8, 9), then the tournament draws
    // members 0, 2, 0; the mutation picks component 6 (lr) and draw 5 of its 7 other values:
    // lr index 3 → [0, 1, 2, 4, 5, 6, 7][5] = 6
    const ints = [7, 8, 9, 0, 2, 0, 6, 5];
    const scripted = { int: () => ints.shift()! } as unknown as Rng;
    const rea = new RegularizedEvolution(scripted, {
      populationSize: 3,
      sampleSize: 3,
      epochs: 12,
    });
    expect([rea.ask()!.index, rea.ask()!.index, rea.ask()!.index]).toEqual([7, 8, 9]);
    const a = encodeComponents([0, 0, 0, 0, 0, 0, 3, 1]);
    const b = encodeComponents([1, 1, 1, 1, 1, 1, 1, 1]);
    const c = encodeComponents([2, 3, 2, 3, 2, 3, 3, 4]);
    rea.tell(observe(a, 10));
    rea.tell(observe(b, 99)); // best of the population, never drawn
    rea.tell(observe(c, 20));
    expect(rea.ask()!.index).toBe(encodeComponents([2, 3, 2, 3, 2, 3, 6, 4]));
    expect(ints).toEqual([]);
  });
});

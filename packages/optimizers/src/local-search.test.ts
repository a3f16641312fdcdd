import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { neighbourIndices } from './components.js';
import { LocalSearch } from './local-search.js';
import type { Observation } from './optimizer.js';

const observe = (index: number, validAccuracyPct: number): Observation => ({
  index,
  epochs: 12,
  validAccuracyPct,
  costSeconds: 1,
  finishedAtSeconds: 0,
});

describe('LocalSearch', () => {
  it('walks to the first better neighbour and restarts at a local optimum', () => {
    // accuracy rises with the index, so a neighbour is better exactly when its index is larger
    const search = new LocalSearch(createRng(3), { epochs: 12 });
    const start = search.ask()!.index;
    search.tell(observe(start, start / 10_000));

    let current = start;
    const evaluated = new Set([start]);
    let moves = 0;
    for (;;) {
      const next = search.ask()!.index;
      if (!neighbourIndices(current).includes(next)) {
        // a restart happens only once every neighbour of the current point was evaluated
        expect(neighbourIndices(current).every((n) => evaluated.has(n))).toBe(true);
        expect(evaluated.has(next)).toBe(false);
        break;
      }
      evaluated.add(next);
      search.tell(observe(next, next / 10_000));
      if (next > current) {
        current = next;
        moves++;
      }
    }
    expect(moves).toBeGreaterThan(0);
    // the walk ends at a local maximum of the index: no neighbour is larger
    expect(neighbourIndices(current).every((n) => n < current)).toBe(true);
  });

  it('never proposes a configuration twice', () => {
    const search = new LocalSearch(createRng(9), { epochs: 12 });
    const seen = new Set<number>();
    for (let k = 0; k < 400; k++) {
      const { index } = search.ask()!;
      expect(seen.has(index)).toBe(false);
      seen.add(index);
      search.tell(observe(index, (index * 7919) % 100));
    }
  });
});

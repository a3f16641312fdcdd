import {
  configAt,
  configIndex,
  createRng,
  mutateConfig,
  neighbours,
} from '@nashpobench2/search-space';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeIndex,
  encodeComponents,
  mutateIndex,
  neighbourIndices,
  sampleSubspace,
} from './components.js';

const anyIndex = fc.integer({ min: 0, max: 196_607 });

describe('components', () => {
  it('decodes the official index order: cell digits, lr index, batch-size index', () => {
    // '0|10|210' = digits 0,1,0,2,1,0 → cell 0·1024 + 1·256 + 0·64 + 2·16 + 1·4 + 0 = 292
    const index = configIndex({ cellCode: '0|10|210', lr: 0.1, batchSize: 256 });
    expect(index).toBe(292 * 48 + 5 * 6 + 4);
    expect(decodeIndex(index)).toEqual([0, 1, 0, 2, 1, 0, 5, 4]);
  });

  it('round-trips every index', () => {
    fc.assert(fc.property(anyIndex, (index) => encodeComponents(decodeIndex(index)) === index));
  });

  it('lists the same 30 neighbours as search-space', () => {
    fc.assert(
      fc.property(anyIndex, (index) => {
        const expected = neighbours(configAt(index))
          .map(configIndex)
          .sort((a, b) => a - b);
        const actual = neighbourIndices(index).sort((a, b) => a - b);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('mutates exactly one allowed component, as mutateConfig does', () => {
    fc.assert(
      fc.property(anyIndex, fc.integer({ min: 0, max: 1000 }), (index, seed) => {
        const rng = createRng(seed);
        const child = mutateIndex(index, rng);
        expect(neighbourIndices(index)).toContain(child);
        const cellOnly = mutateIndex(index, rng, [0, 1, 2, 3, 4, 5]);
        expect(cellOnly % 48).toBe(index % 48);
        const reference = configIndex(mutateConfig(configAt(index), createRng(seed)));
        expect(neighbourIndices(index)).toContain(reference);
      }),
      { numRuns: 100 },
    );
  });

  it('samples subspaces keeping the fixed components', () => {
    const rng = createRng(3);
    const base = configIndex({ cellCode: '0|10|210', lr: 0.1, batchSize: 256 });
    for (let k = 0; k < 50; k++) {
      const index = sampleSubspace({ free: [6, 7], base }, rng);
      expect(Math.floor(index / 48)).toBe(292);
    }
  });
});

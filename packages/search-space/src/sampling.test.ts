import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCellCode } from './cell-code.js';
import { CONFIGURATION_COUNT, type ConfigKey, configAt, configIndex } from './config-key.js';
import { createRng } from './random.js';
import { mutateConfig, neighbours, sampleConfig } from './sampling.js';

function differingComponents(a: ConfigKey, b: ConfigKey): number {
  const opsA = parseCellCode(a.cellCode);
  const opsB = parseCellCode(b.cellCode);
  const edges = opsA.filter((d, i) => d !== opsB[i]).length;
  return edges + (a.lr !== b.lr ? 1 : 0) + (a.batchSize !== b.batchSize ? 1 : 0);
}

const anyIndex = fc.integer({ min: 0, max: CONFIGURATION_COUNT - 1 });

describe('sampling and neighbours', () => {
  it('lists 30 distinct neighbours, each one component away (property)', () => {
    fc.assert(
      fc.property(anyIndex, (i) => {
        const key = configAt(i);
        const list = neighbours(key);
        // 6 edges × 3 other ops + 7 other lrs + 5 other batch sizes
        expect(list.length).toBe(30);
        expect(new Set(list.map(configIndex)).size).toBe(30);
        for (const n of list) expect(differingComponents(key, n)).toBe(1);
      }),
    );
  });

  it('mutates exactly one component and stays in the space (property)', () => {
    fc.assert(
      fc.property(anyIndex, fc.integer(), (i, seed) => {
        const key = configAt(i);
        const mutated = mutateConfig(key, createRng(seed));
        expect(differingComponents(key, mutated)).toBe(1);
        expect(configIndex(mutated)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('restricts mutation to the given components', () => {
    const rng = createRng(3);
    const key = configAt(12345);
    for (let i = 0; i < 200; i++) {
      const mutated = mutateConfig(key, rng, [6]);
      expect(mutated.cellCode).toBe(key.cellCode);
      expect(mutated.batchSize).toBe(key.batchSize);
      expect(mutated.lr).not.toBe(key.lr);
    }
  });

  it('samples the same configurations for the same seed', () => {
    const a = createRng(9);
    const b = createRng(9);
    const first = Array.from({ length: 10 }, () => configIndex(sampleConfig(a)));
    expect(Array.from({ length: 10 }, () => configIndex(sampleConfig(b)))).toEqual(first);
  });
});

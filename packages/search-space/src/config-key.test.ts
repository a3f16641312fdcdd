import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_COUNT, type ConfigKey, configAt, configIndex } from './config-key.js';
import {
  BATCH_SIZES,
  batchSizeIndex,
  LEARNING_RATES,
  learningRateIndex,
} from './hyperparameters.js';

describe('configuration index', () => {
  it('has 196,608 configurations over the official grid', () => {
    expect(CONFIGURATION_COUNT).toBe(196_608);
    expect(LEARNING_RATES).toEqual([0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4]);
    expect(BATCH_SIZES).toEqual([16, 32, 64, 128, 256, 512]);
  });

  it('follows cell × 48 + lr × 6 + batch size', () => {
    expect(configIndex({ cellCode: '0|00|000', lr: 0.003125, batchSize: 16 })).toBe(0);
    expect(configIndex({ cellCode: '0|00|001', lr: 0.003125, batchSize: 32 })).toBe(49);
    // '0|10|210' = base-4 010210 = 4^4 + 2·4^2 + 4 = 256 + 32 + 4 = 292
    expect(configIndex({ cellCode: '0|10|210', lr: 0.1, batchSize: 256 })).toBe(
      292 * 48 + 5 * 6 + 4,
    );
    expect(configAt(196_607)).toEqual({ cellCode: '3|33|333', lr: 0.4, batchSize: 512 });
  });

  it('round-trips index ↔ key for all 196,608 configurations', () => {
    const seen = new Set<string>();
    for (let i = 0; i < CONFIGURATION_COUNT; i++) {
      const key: ConfigKey = configAt(i);
      expect(configIndex(key)).toBe(i);
      seen.add(`${key.cellCode}/${key.lr}/${key.batchSize}`);
    }
    expect(seen.size).toBe(CONFIGURATION_COUNT);
  });

  it('accepts equal spellings of a learning rate and rejects off-grid values', () => {
    expect(learningRateIndex(1e-1)).toBe(5);
    expect(learningRateIndex(0.1 + 1e-12)).toBe(5);
    expect(() => learningRateIndex(0.3)).toThrow(
      'learning rate 0.3 is not valid; allowed: 0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4',
    );
    expect(() => batchSizeIndex(100)).toThrow('allowed: 16, 32, 64, 128, 256, 512');
    expect(() => configAt(-1)).toThrow(/configuration index -1/);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CONFIGURATION_COUNT - 1 }), (i) => {
        expect(configIndex(configAt(i))).toBe(i);
      }),
    );
  });
});

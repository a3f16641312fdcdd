import { BATCH_SIZES, cellClasses, configIndex, LEARNING_RATES } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import {
  makeSyntheticBenchmark,
  makeSyntheticRecords,
  syntheticFinalAccuracy,
} from './synthetic.js';

describe('synthetic benchmark', () => {
  it('is deterministic and independent of which other classes are included', () => {
    const a = makeSyntheticRecords({ classes: [5, 9], rngSeed: 3 });
    const b = makeSyntheticRecords({ classes: [9], rngSeed: 3 });
    expect(a.runs.filter((r) => r.classId === 9)).toEqual(b.runs);
    expect(makeSyntheticRecords({ classes: [9], rngSeed: 4 }).runs).not.toEqual(b.runs);
    expect(b.runs).toHaveLength(48 * 3);
    expect(b.long).toHaveLength(48);
  });

  it('plants an lr × architecture interaction: the best cell changes with the learning rate', () => {
    // By the formula alone: at the smallest lr six convolutions win, at the largest one wins.
    const best = (lrIndex: number) => {
      const scores = [0, 1, 2, 3, 4, 5, 6].map((c) => syntheticFinalAccuracy(c, lrIndex, 2, 0));
      return scores.indexOf(Math.max(...scores));
    };
    expect(best(0)).toBe(6);
    expect(best(7)).toBe(1);

    const ids = cellClasses()
      .filter((_, i) => i % 25 === 0)
      .map((c) => c.id);
    const bench = makeSyntheticBenchmark({ classes: ids, seeds: [222] });
    const argmax = (lr: number) => {
      const scores = ids.map((id) =>
        bench.accuracyAt(
          configIndex({
            cellCode: cellClasses()[id].representative,
            lr,
            batchSize: BATCH_SIZES[2],
          }),
          'valid',
          12,
        ),
      );
      return ids[scores.indexOf(Math.max(...scores))];
    };
    expect(argmax(LEARNING_RATES[0])).not.toBe(argmax(LEARNING_RATES[7]));
  });
});

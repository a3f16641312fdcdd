import { makeSyntheticBenchmark, SETTING_COUNT, settingTable } from '@nashpobench2/dataset';
import {
  BATCH_SIZES,
  cellClasses,
  cellClassOf,
  configIndex,
  LEARNING_RATES,
  OFFICIAL_LONG_RUN_CELLS,
} from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import {
  rankingAgreement,
  settingTables,
  tableEntries,
  topConfigurations,
} from './landscape-data.js';

/** A table of `rows` classes whose settings 0 and 1 hold the given columns; the rest NaN. */
function twoColumnTable(a: number[], b: number[]) {
  const values = new Array<number>(a.length * SETTING_COUNT).fill(Number.NaN);
  a.forEach((value, row) => {
    values[row * SETTING_COUNT] = value;
    values[row * SETTING_COUNT + 1] = b[row];
  });
  return settingTable(
    'test',
    a.map((_, row) => row),
    values,
  );
}

describe('rankingAgreement', () => {
  it('pairs the two columns and computes Kendall τ by hand', () => {
    // Pairs (1,1) (2,3) (3,2) (4,4): 5 concordant, 1 discordant of 6 → τ = 4 / 6.
    const agreement = rankingAgreement(twoColumnTable([1, 2, 3, 4], [1, 3, 2, 4]), 0, 1);
    expect(agreement.points.map((p) => [p.a, p.b])).toEqual([
      [1, 1],
      [2, 3],
      [3, 2],
      [4, 4],
    ]);
    expect(Math.abs(agreement.tau - 4 / 6)).toBeLessThan(1e-12);
  });

  it('skips classes missing either value and gives NaN below three pairs', () => {
    const agreement = rankingAgreement(
      twoColumnTable([1, Number.NaN, 3], [1, 2, Number.NaN]),
      0,
      1,
    );
    expect(agreement.points.length).toBe(1);
    expect(agreement.tau).toBeNaN();
  });
});

describe('topConfigurations', () => {
  // Three classes without long runs and one the official long runs trained.
  const longClass = cellClassOf(OFFICIAL_LONG_RUN_CELLS[0]).id;
  const benchmark = makeSyntheticBenchmark({
    classes: [0, 1, 2, longClass],
    seeds: [222],
    epochs: 2,
    rngSeed: 5,
  });
  const table = settingTables(benchmark).shortValid;

  it('lists the best (class, setting) pairs in order with the benchmark values of each', () => {
    const top = topConfigurations(benchmark, table, 10);
    const best = tableEntries(table)
      .map((e) => e.accuracyPct)
      .sort((x, y) => y - x)
      .slice(0, 10);
    expect(top.map((row) => row.accuracyPct)).toEqual(best);
    for (const row of top) {
      const cellCode = cellClasses()[row.classId].representative;
      expect(row.cellCode).toBe(cellCode);
      expect(LEARNING_RATES[Math.floor(row.setting / 6)]).toBe(row.lr);
      expect(BATCH_SIZES[row.setting % 6]).toBe(row.batchSize);
      const index = configIndex({ cellCode, lr: row.lr, batchSize: row.batchSize });
      expect(row.accuracyPct).toBe(benchmark.accuracyAt(index, 'valid', 2));
      expect(row.testAccuracyPct).toBe(benchmark.accuracyAt(index, 'test', 2));
      expect(row.longTestAccuracyPct).toBe(benchmark.longAccuracyAt(index));
    }
  });

  it('with onePerClass keeps each architecture once, at its best setting', () => {
    const top = topConfigurations(benchmark, table, 10, true);
    expect(top.length).toBe(4);
    expect(new Set(top.map((row) => row.classId)).size).toBe(4);
    for (const row of top) {
      const own = tableEntries(table).filter((e) => e.classId === row.classId);
      expect(row.accuracyPct).toBe(Math.max(...own.map((e) => e.accuracyPct)));
    }
  });

  it('measured-only tables leave predicted long values out', () => {
    const measured = settingTables(benchmark, 'measured').long;
    const all = settingTables(benchmark, 'all').long;
    expect(tableEntries(all).length).toBe(4 * SETTING_COUNT);
    const expected = tableEntries(all).filter(({ classId, setting }) => {
      const cellCode = cellClasses()[classId].representative;
      const index = configIndex({
        cellCode,
        lr: LEARNING_RATES[Math.floor(setting / 6)],
        batchSize: BATCH_SIZES[setting % 6],
      });
      return benchmark.isLongMeasured(index);
    });
    expect(expected.length).toBe(SETTING_COUNT);
    expect(expected.every((entry) => entry.classId === longClass)).toBe(true);
    expect(tableEntries(measured)).toEqual(expected);
  });
});

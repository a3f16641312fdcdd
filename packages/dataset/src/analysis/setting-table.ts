import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  cellClasses,
  cellIndex,
  HYPERPARAMETER_PAIR_COUNT,
  InvalidArgumentError,
  LEARNING_RATES,
} from '@nashpobench2/search-space';
import type { Benchmark } from '../benchmark.js';

/** Number of (lr, batch size) settings of the grid, 48; setting = lrIndex × 6 + batchIndex. */
export const SETTING_COUNT = HYPERPARAMETER_PAIR_COUNT;

/** One (learning rate, batch size) setting of the grid with its grid coordinates. */
export interface Setting {
  /** Setting index 0..47, lrIndex × 6 + batchIndex (the official pair order). */
  index: number;
  /** Position 0..7 of the learning rate in LEARNING_RATES. */
  lrIndex: number;
  /** Position 0..5 of the batch size in BATCH_SIZES. */
  batchIndex: number;
  /** Learning rate. */
  lr: number;
  /** Batch size. */
  batchSize: number;
}

/** The setting at index 0..47. */
export function settingAt(index: number): Setting {
  if (!Number.isInteger(index) || index < 0 || index >= SETTING_COUNT) {
    throw new InvalidArgumentError('dataset', 'setting', index, `integers 0..${SETTING_COUNT - 1}`);
  }
  const lrIndex = Math.floor(index / BATCH_SIZES.length);
  const batchIndex = index % BATCH_SIZES.length;
  return {
    index,
    lrIndex,
    batchIndex,
    lr: LEARNING_RATES[lrIndex],
    batchSize: BATCH_SIZES[batchIndex],
  };
}

/** Short label of a setting, `'lr 0.1, bs 256'`. */
export function settingLabel(index: number): string {
  const setting = settingAt(index);
  return `lr ${setting.lr}, bs ${setting.batchSize}`;
}

/**
 * One value per (architecture class, setting): rows are classes, 48 columns are settings.
 * Values in percent, NaN where the benchmark has none (or, for a measured-only table, where the
 * value was predicted).
 */
export interface SettingTable {
  /** What the values are, for example `'12-epoch valid accuracy'`. */
  label: string;
  /** Class id 0..1010 of each row. */
  classIds: Int32Array;
  /** Row-major values, rows × 48, percent; NaN where missing. */
  values: Float64Array;
}

/** Builds a table from class ids and row-major values (rows × 48); throws on a size mismatch. */
export function settingTable(
  label: string,
  classIds: ArrayLike<number>,
  values: ArrayLike<number>,
): SettingTable {
  if (values.length !== classIds.length * SETTING_COUNT) {
    const shown = `${values.length} values for ${classIds.length} classes`;
    throw new InvalidArgumentError('dataset', 'values', shown, `${SETTING_COUNT} values per class`);
  }
  return { label, classIds: Int32Array.from(classIds), values: Float64Array.from(values) };
}

/** Number of rows (classes) of a table. */
export function rowCount(table: SettingTable): number {
  return table.classIds.length;
}

/** The 48 values of row `row` (a view, not a copy). */
export function rowValues(table: SettingTable, row: number): Float64Array {
  return table.values.subarray(row * SETTING_COUNT, (row + 1) * SETTING_COUNT);
}

/** Rows whose 48 values are all finite (the architectures an exhaustive analysis can use). */
export function completeRows(table: SettingTable): number[] {
  const rows: number[] = [];
  for (let row = 0; row < rowCount(table); row++) {
    if (rowValues(table, row).every(Number.isFinite)) rows.push(row);
  }
  return rows;
}

/** The same table restricted to `rows`, in that order. */
export function selectRows(table: SettingTable, rows: readonly number[]): SettingTable {
  const values = new Float64Array(rows.length * SETTING_COUNT);
  rows.forEach((row, k) => {
    values.set(rowValues(table, row), k * SETTING_COUNT);
  });
  const classIds = Int32Array.from(rows, (row) => table.classIds[row]);
  return { label: table.label, classIds, values };
}

/** Tables an analysis reads from a benchmark. */
export interface BenchmarkSettingTables {
  /** Short-schedule valid accuracy after the last epoch, mean over seeds. */
  shortValid: SettingTable;
  /** Short-schedule valid accuracy after the last epoch, one table per seed (in `seeds` order). */
  shortValidBySeed: SettingTable[];
  /** Seeds of `shortValidBySeed`. */
  seeds: number[];
  /** Long-schedule test accuracy; no rows when the benchmark has no long values. */
  long: SettingTable;
}

/** Which values a table keeps: all of them, or only trained ones (predicted ones become NaN). */
export type ValueSelection = 'all' | 'measured';

/**
 * Reads the per-class tables of a benchmark: each class is answered by its representative, rows
 * only for classes with at least one value. `selection` 'measured' drops predicted values.
 */
export function benchmarkSettingTables(
  benchmark: Benchmark,
  selection: ValueSelection = 'all',
): BenchmarkSettingTables {
  const epochs = benchmark.protocol.shortEpochs;
  const seeds = [...benchmark.seeds];
  const classes = cellClasses();
  const collectors = {
    shortValid: new Collector(),
    long: new Collector(),
    bySeed: seeds.map(() => new Collector()),
  };

  for (let classId = 0; classId < CELL_CLASS_COUNT; classId++) {
    const base = cellIndex(classes[classId].representative) * SETTING_COUNT;
    const shortRow = new Float64Array(SETTING_COUNT);
    const longRow = new Float64Array(SETTING_COUNT);
    const seedRows = seeds.map(() => new Float64Array(SETTING_COUNT));

    for (let setting = 0; setting < SETTING_COUNT; setting++) {
      const index = base + setting;
      const keepShort = selection === 'all' || benchmark.isMeasured(index);
      const keepLong = selection === 'all' || benchmark.isLongMeasured(index);
      shortRow[setting] = keepShort ? benchmark.accuracyAt(index, 'valid', epochs) : Number.NaN;
      longRow[setting] = keepLong ? benchmark.longAccuracyAt(index) : Number.NaN;
      seeds.forEach((seed, s) => {
        const present = keepShort && benchmark.hasRun(index, seed);
        seedRows[s][setting] = present
          ? benchmark.accuracyAt(index, 'valid', epochs, seed)
          : Number.NaN;
      });
    }

    collectors.shortValid.add(classId, shortRow);
    collectors.long.add(classId, longRow);
    seeds.forEach((_, s) => {
      collectors.bySeed[s].add(classId, seedRows[s]);
    });
  }

  const shortLabel = `${epochs}-epoch valid accuracy`;
  const longLabel = `${benchmark.protocol.longEpochs}-epoch test accuracy`;
  return {
    shortValid: collectors.shortValid.table(shortLabel),
    shortValidBySeed: collectors.bySeed.map((c, s) => c.table(`${shortLabel}, seed ${seeds[s]}`)),
    seeds,
    long: collectors.long.table(longLabel),
  };
}

/** Gathers the rows that hold at least one finite value. */
class Collector {
  readonly #classIds: number[] = [];
  readonly #rows: Float64Array[] = [];

  add(classId: number, row: Float64Array): void {
    if (!row.some(Number.isFinite)) return;
    this.#classIds.push(classId);
    this.#rows.push(row);
  }

  table(label: string): SettingTable {
    const values = new Float64Array(this.#rows.length * SETTING_COUNT);
    this.#rows.forEach((row, k) => {
      values.set(row, k * SETTING_COUNT);
    });
    return { label, classIds: Int32Array.from(this.#classIds), values };
  }
}

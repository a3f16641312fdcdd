import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  CELL_CODE_COUNT,
  cellClassOf,
  classIdsByCellIndex,
  HYPERPARAMETER_PAIR_COUNT,
  hyperparameterPairIndex,
  InvalidArgumentError,
  LEARNING_RATES,
} from '@nashpobench2/search-space';
import type { OptionalSeriesName } from './format.js';
import type { LongRecord, RunRecord } from './types.js';

/** Number of distinct trainings of a full grid: 1,011 classes × 48 pairs. */
export const TRAINING_COUNT = CELL_CLASS_COUNT * HYPERPARAMETER_PAIR_COUNT;

/** Slot state: no run stored. */
export const SLOT_MISSING = 0;
/** Slot state: a trained (measured) run. */
export const SLOT_MEASURED = 1;
/** Slot state: a run completed by a surrogate. */
export const SLOT_PREDICTED = 2;

/**
 * Dense storage of a benchmark, class-level and compact: each training (classId × 48 + pair) that
 * has data gets a row; slot = row × S + s; per-epoch values sit at ((slot × 3 + mode) × E + e − 1).
 * Internal to the package.
 */
export interface BenchmarkTables {
  /** Short epochs E. */
  epochs: number;
  /** Seeds sorted ascending, S of them. */
  seeds: number[];
  /** Row of each training 0..48,527, −1 where the benchmark holds nothing. */
  rowOfTraining: Int32Array;
  /** Training of each row, ascending. */
  trainingOfRow: Int32Array;
  /** Row of each official configuration index 0..196,607, −1 where none. */
  rowOfConfig: Int32Array;
  /** Accuracies in percent, NaN where missing. */
  accuracy: Float64Array;
  /** Cost of mode m summed over the first e epochs, with the official summation order. */
  cost: Float64Array;
  /** Per-epoch losses, or null when the loss columns were not loaded. */
  loss: Float64Array | null;
  /** Per-epoch seconds of the train / valid / test pass. */
  seconds: Float64Array;
  /**
   * Per-epoch process CPU seconds of the train / valid / test pass, NaN where not recorded; null
   * while no stored run has them.
   */
  cpuSeconds: Float64Array | null;
  /**
   * Predicted spread (percent points) of each per-epoch accuracy, NaN where unknown or measured;
   * null while no stored run has one.
   */
  accuracyStd: Float64Array | null;
  /** Predicted spread (seconds) of each per-epoch pass time, as `accuracyStd`. */
  secondsStd: Float64Array | null;
  /** Recorded totals per slot (train, train + valid, test) at slot × 3 + k; NaN where none. */
  totals: Float64Array;
  /** SLOT_MISSING / SLOT_MEASURED / SLOT_PREDICTED per slot. */
  runState: Uint8Array;
  /** Backend and device of each slot as indices into `labels`, 0 = none. */
  runBackend: Uint16Array;
  runDevice: Uint16Array;
  /** String pool of backend and device names; index 0 is the empty label. */
  labels: string[];
  /** Cell code trained for each row, undefined where none. */
  runCellCode: (string | undefined)[];
  /** Parameters and FLOPs of each row, NaN where unknown. */
  parameters: Float64Array;
  flops: Float64Array;
  /** Long test accuracy (percent), its spread, and state per row. */
  longAccuracy: Float64Array;
  longStd: Float64Array;
  longState: Uint8Array;
  longSeeds: (number[] | undefined)[];
  longCellCode: (string | undefined)[];
}

let trainingOfConfigCache: Int32Array | undefined;

/** Training index (class × 48 + pair) of every official configuration index, computed once. */
export function trainingOfConfig(): Int32Array {
  if (trainingOfConfigCache) return trainingOfConfigCache;
  const classIds = classIdsByCellIndex();
  const table = new Int32Array(CELL_CODE_COUNT * HYPERPARAMETER_PAIR_COUNT);
  for (let cell = 0; cell < CELL_CODE_COUNT; cell++) {
    for (let pair = 0; pair < HYPERPARAMETER_PAIR_COUNT; pair++) {
      table[cell * HYPERPARAMETER_PAIR_COUNT + pair] =
        classIds[cell] * HYPERPARAMETER_PAIR_COUNT + pair;
    }
  }
  trainingOfConfigCache = table;
  return table;
}

/**
 * Allocates empty tables (everything missing) for E epochs, the given seeds and the trainings
 * (class × 48 + pair) that will receive data.
 */
export function createTables(
  epochs: number,
  seeds: readonly number[],
  trainings: Iterable<number>,
  withLoss = true,
): BenchmarkTables {
  const sorted = [...new Set(seeds)].sort((a, b) => a - b);
  const present = new Uint8Array(TRAINING_COUNT);
  for (const training of trainings) present[training] = 1;
  const rowOfTraining = new Int32Array(TRAINING_COUNT).fill(-1);
  let rowCount = 0;
  for (let training = 0; training < TRAINING_COUNT; training++)
    if (present[training]) rowOfTraining[training] = rowCount++;
  const trainingOfRow = new Int32Array(rowCount);
  for (let training = 0; training < TRAINING_COUNT; training++)
    if (present[training]) trainingOfRow[rowOfTraining[training]] = training;
  const configs = trainingOfConfig();
  const rowOfConfig = new Int32Array(configs.length);
  for (let i = 0; i < configs.length; i++) rowOfConfig[i] = rowOfTraining[configs[i]];

  const rows = trainingOfRow.length;
  const slots = rows * sorted.length;
  const values = slots * 3 * epochs;
  const nan = (n: number) => new Float64Array(n).fill(Number.NaN);
  // The per-epoch arrays start at zero (cheap to allocate); `fillMissingSlots` sets NaN in the
  // slots that received no run, once all runs are in.
  return {
    epochs,
    seeds: sorted,
    rowOfTraining,
    trainingOfRow,
    rowOfConfig,
    accuracy: new Float64Array(values),
    cost: new Float64Array(values),
    loss: withLoss ? new Float64Array(values) : null,
    seconds: new Float64Array(values),
    cpuSeconds: null,
    accuracyStd: null,
    secondsStd: null,
    totals: nan(slots * 3),
    runState: new Uint8Array(slots),
    runBackend: new Uint16Array(slots),
    runDevice: new Uint16Array(slots),
    labels: [''],
    runCellCode: new Array(rows).fill(undefined),
    parameters: nan(rows),
    flops: nan(rows),
    longAccuracy: nan(rows),
    longStd: nan(rows),
    longState: new Uint8Array(rows),
    longSeeds: new Array(rows).fill(undefined),
    longCellCode: new Array(rows).fill(undefined),
  };
}

/** Table of an optional per-epoch series and the run-record fields of its three modes. */
export interface OptionalSeries {
  /** Series name in the file (`{mode}_{series}_{e}` columns). */
  series: OptionalSeriesName;
  /** Key of its table in `BenchmarkTables`. */
  table: 'cpuSeconds' | 'accuracyStd' | 'secondsStd';
  /** Run-record fields of modes train, valid, test. */
  fields: readonly [
    'trainCpuSeconds' | 'trainAccuracyStd' | 'trainSecondsStd',
    'validCpuSeconds' | 'validAccuracyStd' | 'validSecondsStd',
    'testCpuSeconds' | 'testAccuracyStd' | 'testSecondsStd',
  ];
}

/** The optional per-epoch series, in file order (format.ts `OPTIONAL_SERIES`). */
export const OPTIONAL_SERIES_TABLES: readonly OptionalSeries[] = [
  {
    series: 'cpu_seconds',
    table: 'cpuSeconds',
    fields: ['trainCpuSeconds', 'validCpuSeconds', 'testCpuSeconds'],
  },
  {
    series: 'accuracy_std',
    table: 'accuracyStd',
    fields: ['trainAccuracyStd', 'validAccuracyStd', 'testAccuracyStd'],
  },
  {
    series: 'seconds_std',
    table: 'secondsStd',
    fields: ['trainSecondsStd', 'validSecondsStd', 'testSecondsStd'],
  },
];

/** The table of an optional series, allocated (all NaN) on first use. */
export function optionalSeriesTable(
  tables: BenchmarkTables,
  table: OptionalSeries['table'],
): Float64Array {
  tables[table] ??= new Float64Array(tables.seconds.length).fill(Number.NaN);
  return tables[table];
}

/** The CPU-seconds table, allocated (all NaN) on first use. */
export function cpuSecondsTable(tables: BenchmarkTables): Float64Array {
  return optionalSeriesTable(tables, 'cpuSeconds');
}

/** Sets NaN in every per-epoch value of the slots without a run (call after all runs are in). */
export function fillMissingSlots(tables: BenchmarkTables): void {
  const width = 3 * tables.epochs;
  const arrays = [
    tables.accuracy,
    tables.cost,
    tables.seconds,
    tables.loss,
    tables.cpuSeconds,
    tables.accuracyStd,
    tables.secondsStd,
  ];
  for (let slot = 0; slot < tables.runState.length; slot++) {
    if (tables.runState[slot] !== SLOT_MISSING) continue;
    for (const values of arrays) values?.fill(Number.NaN, slot * width, (slot + 1) * width);
  }
}

/** Training index of (cell code, lr, batch size), checking that classId matches the code. */
export function trainingIndexOf(
  cellCode: string,
  classId: number,
  lr: number,
  batchSize: number,
): number {
  const actual = cellClassOf(cellCode).id;
  if (classId !== actual) {
    throw new InvalidArgumentError(
      'dataset',
      'classId',
      classId,
      `${actual} (the class of ${cellCode})`,
    );
  }
  return classId * HYPERPARAMETER_PAIR_COUNT + hyperparameterPairIndex(lr, batchSize);
}

function rowOf(tables: BenchmarkTables, training: number): number {
  const row = tables.rowOfTraining[training];
  if (row < 0)
    throw new InvalidArgumentError(
      'dataset',
      'training',
      training,
      'trainings allocated in createTables',
    );
  return row;
}

/** Index of a label in the string pool, adding it when new. */
export function labelIndex(tables: BenchmarkTables, label: string | undefined): number {
  if (!label) return 0;
  let index = tables.labels.indexOf(label);
  if (index < 0) {
    index = tables.labels.length;
    tables.labels.push(label);
  }
  return index;
}

function checkSeries(name: string, values: readonly number[], epochs: number): void {
  if (!Array.isArray(values) || values.length !== epochs) {
    const shown = Array.isArray(values) ? `length ${values.length}` : String(values);
    throw new InvalidArgumentError(
      'dataset',
      name,
      shown,
      `arrays of length ${epochs} (protocol.shortEpochs)`,
    );
  }
}

/** Stores one run; throws on a duplicate (class, lr, batch size, seed) or a malformed record. */
export function putRun(tables: BenchmarkTables, run: RunRecord): void {
  const { epochs, seeds } = tables;
  const t = rowOf(tables, trainingIndexOf(run.cellCode, run.classId, run.lr, run.batchSize));
  const s = seeds.indexOf(run.seed);
  if (s < 0) throw new InvalidArgumentError('dataset', 'seed', run.seed, seeds.join(', '));
  const slot = t * seeds.length + s;
  if (tables.runState[slot] !== SLOT_MISSING) {
    const key = `${run.cellCode} lr=${run.lr} bs=${run.batchSize} seed=${run.seed}`;
    throw new InvalidArgumentError(
      'dataset',
      'run',
      key,
      'one run per (class, lr, batch size, seed)',
      'duplicate run',
    );
  }
  const known = tables.runCellCode[t];
  if (known !== undefined && known !== run.cellCode) {
    const allowed = `${known} (one trained code per class and pair)`;
    throw new InvalidArgumentError('dataset', 'cellCode', run.cellCode, allowed);
  }

  const series = [
    [run.trainAccuracy, run.validAccuracy, run.testAccuracy],
    [run.trainLoss, run.validLoss, run.testLoss],
    [run.trainSeconds, run.validSeconds, run.testSeconds],
  ];
  const names = ['Accuracy', 'Loss', 'Seconds'];
  for (let g = 0; g < series.length; g++) {
    for (let m = 0; m < 3; m++) {
      checkSeries(`${['train', 'valid', 'test'][m]}${names[g]}`, series[g][m], epochs);
    }
  }

  for (let m = 0; m < 3; m++) {
    const base = (slot * 3 + m) * epochs;
    for (let e = 0; e < epochs; e++) {
      tables.accuracy[base + e] = series[0][m][e];
      if (tables.loss) tables.loss[base + e] = series[1][m][e];
      tables.seconds[base + e] = series[2][m][e];
    }
  }
  for (const { table, fields } of OPTIONAL_SERIES_TABLES) {
    fields.forEach((field, m) => {
      const values = run[field];
      if (values === undefined) return;
      checkSeries(field, values, epochs);
      optionalSeriesTable(tables, table).set(values, (slot * 3 + m) * epochs);
    });
  }
  if (run.totalSeconds) {
    const { train, trainValid, test } = run.totalSeconds;
    tables.totals.set([train, trainValid, test], slot * 3);
  }
  tables.runState[slot] = run.measured ? SLOT_MEASURED : SLOT_PREDICTED;
  tables.runBackend[slot] = labelIndex(tables, run.backend);
  tables.runDevice[slot] = labelIndex(tables, run.device);
  tables.runCellCode[t] = run.cellCode;
  tables.parameters[t] = run.parameters;
  tables.flops[t] = run.flops;
  computeCosts(tables, slot);
}

/**
 * Fills the cost of one slot: mode train sums train seconds, valid adds valid seconds, test adds
 * test seconds, over the first e epochs, added in the official API's order (all train passes, then
 * all valid passes, then all test passes). At the last epoch, recorded totals replace the sums
 * when the run has them, as in the official API.
 */
export function computeCosts(tables: BenchmarkTables, slot: number): void {
  const { epochs, seconds, cost } = tables;
  const trainBase = slot * 3 * epochs;
  const validBase = trainBase + epochs;
  const testBase = validBase + epochs;
  let train = 0;
  for (let e = 0; e < epochs; e++) {
    train += seconds[trainBase + e];
    cost[trainBase + e] = train;
    let valid = cost[trainBase + e];
    for (let j = 0; j <= e; j++) valid += seconds[validBase + j];
    cost[validBase + e] = valid;
    let test = valid;
    for (let j = 0; j <= e; j++) test += seconds[testBase + j];
    cost[testBase + e] = test;
  }
  const train12 = tables.totals[slot * 3];
  const trainValid12 = tables.totals[slot * 3 + 1];
  const test12 = tables.totals[slot * 3 + 2];
  if (Number.isNaN(train12) || Number.isNaN(trainValid12) || Number.isNaN(test12)) return;
  cost[trainBase + epochs - 1] = train12;
  cost[validBase + epochs - 1] = trainValid12;
  cost[testBase + epochs - 1] = trainValid12 + test12;
}

/** Stores one long-training record; throws on a duplicate configuration. */
export function putLong(tables: BenchmarkTables, record: LongRecord): void {
  const t = rowOf(
    tables,
    trainingIndexOf(record.cellCode, record.classId, record.lr, record.batchSize),
  );
  if (tables.longState[t] !== SLOT_MISSING) {
    const key = `${record.cellCode} lr=${record.lr} bs=${record.batchSize}`;
    throw new InvalidArgumentError(
      'dataset',
      'long',
      key,
      'one long record per (class, lr, batch size)',
      'duplicate long record',
    );
  }
  tables.longAccuracy[t] = record.testAccuracy;
  tables.longStd[t] = record.testAccuracyStd;
  tables.longState[t] = record.measured ? SLOT_MEASURED : SLOT_PREDICTED;
  tables.longSeeds[t] = record.seeds ? [...record.seeds] : undefined;
  tables.longCellCode[t] = record.cellCode;
}

/** (lr, batch size) of a pair index 0..47. */
export function pairValues(pair: number): { lr: number; batchSize: number } {
  const lrIndex = Math.floor(pair / BATCH_SIZES.length);
  return { lr: LEARNING_RATES[lrIndex], batchSize: BATCH_SIZES[pair % BATCH_SIZES.length] };
}

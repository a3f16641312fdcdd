import {
  CONFIGURATION_COUNT,
  type ConfigKey,
  cellClasses,
  configIndex,
  HYPERPARAMETER_PAIR_COUNT,
  InvalidArgumentError,
} from '@nashpobench2/search-space';
import {
  type BenchmarkTables,
  createTables,
  fillMissingSlots,
  OPTIONAL_SERIES_TABLES,
  pairValues,
  putLong,
  putRun,
  SLOT_MEASURED,
  SLOT_MISSING,
  trainingIndexOf,
  trainingOfConfig,
} from './benchmark-tables.js';
import { MissingDataError } from './errors.js';
import { type OpenOptions, openSource } from './open-source.js';
import type {
  BenchmarkMetadata,
  LongRecord,
  Mode,
  QueryOptions,
  QueryResult,
  ResolvedKey,
  RunRecord,
  TrainingProtocol,
} from './types.js';

const MODE_ALLOWED = "'train', 'valid', 'test'";

function modeIndex(mode: Mode): number {
  if (mode === 'valid') return 1;
  if (mode === 'train') return 0;
  if (mode === 'test') return 2;
  throw new InvalidArgumentError('dataset', 'mode', mode, MODE_ALLOWED);
}

/** How much of the grid a benchmark covers. */
export interface BenchmarkCoverage {
  /** Runs stored (class, lr, batch size, seed), measured and predicted. */
  runs: number;
  /** Runs that were trained rather than predicted. */
  measuredRuns: number;
  /** Trainings (class, lr, batch size) with at least one run, of 48,528. */
  trainings: number;
  /** Trainings with a run for every seed of the benchmark. */
  completeTrainings: number;
  /** Official configurations (of 196,608) that a 12-epoch query can answer. */
  configurations: number;
  /** Classes (of 1,011) with at least one run. */
  classes: number;
  /** Long-training values stored, and how many of them were measured. */
  longRecords: number;
  measuredLongRecords: number;
  /** Official configurations (of 196,608) that a long query can answer. */
  longConfigurations: number;
}

/**
 * A loaded benchmark: immutable, O(1) queries into dense typed arrays, shared by any number of
 * `Run`s. Data is stored per class of equivalent cells, so equivalent codes answer identically.
 */
export class Benchmark {
  /** Format version, protocol and provenance. */
  readonly metadata: BenchmarkMetadata;
  /** How the runs were trained. */
  readonly protocol: TrainingProtocol;
  /** Seeds present in the data, ascending. */
  readonly seeds: readonly number[];
  readonly #t: BenchmarkTables;
  readonly #epochs: number;
  readonly #seedCount: number;
  /** Seed means of the accuracy and cost tables, built on first use. */
  readonly #means = new Map<Float64Array, Float64Array>();

  /** Wraps filled tables; use `fromRecords` or `open`. */
  constructor(tables: BenchmarkTables, metadata: BenchmarkMetadata) {
    fillMissingSlots(tables);
    this.#t = tables;
    this.#epochs = tables.epochs;
    this.#seedCount = tables.seeds.length;
    this.metadata = metadata;
    this.protocol = metadata.protocol;
    this.seeds = Object.freeze([...tables.seeds]);
  }

  /** Builds a benchmark from records; throws on duplicates, bad keys or wrong series lengths. */
  static fromRecords(
    runs: Iterable<RunRecord>,
    long: Iterable<LongRecord>,
    meta: BenchmarkMetadata,
  ): Benchmark {
    const runList = [...runs];
    const longList = [...long];
    const seeds = runList.length > 0 ? runList.map((r) => r.seed) : meta.protocol.seeds;
    const trainings = [...runList, ...longList].map((r) =>
      trainingIndexOf(r.cellCode, r.classId, r.lr, r.batchSize),
    );
    const tables = createTables(meta.protocol.shortEpochs, seeds, trainings);
    for (const run of runList) putRun(tables, run);
    for (const record of longList) putLong(tables, record);
    return new Benchmark(tables, meta);
  }

  /**
   * Opens a benchmark: a Parquet file or a folder of part files (a path, in Node after importing
   * `@nashpobench2/dataset/node`), a URL (fetched), or the bytes of one file. No argument: the
   * embedded default benchmark.
   */
  static async open(
    source?: string | URL | ArrayBuffer | Uint8Array,
    options?: OpenOptions,
  ): Promise<Benchmark> {
    const { tables, metadata } = await openSource(source, options);
    return new Benchmark(tables, metadata);
  }

  /** The dense tables behind this benchmark, for this package's writers; do not mutate. */
  get tables(): BenchmarkTables {
    return this.#t;
  }

  /** Short epochs of the protocol (12 for the built-in protocols). */
  get shortEpochs(): number {
    return this.#epochs;
  }

  /** True when `epoch` names the short schedule: protocol.shortEpochs or the alias 12. */
  isShortEpoch(epoch: number): boolean {
    return epoch === 12 || epoch === this.#epochs;
  }

  /** True when `epoch` names the long schedule: protocol.longEpochs or the alias 200. */
  isLongEpoch(epoch: number): boolean {
    return !this.isShortEpoch(epoch) && (epoch === 200 || epoch === this.protocol.longEpochs);
  }

  /** Official index, class and representative of a key; throws naming the bad field. */
  resolve(key: ConfigKey): ResolvedKey {
    const index = configIndex(key);
    const training = trainingOfConfig()[index];
    const classId = Math.floor(training / HYPERPARAMETER_PAIR_COUNT);
    const row = this.#t.rowOfConfig[index];
    const stored = row >= 0 ? this.#t.runCellCode[row] : undefined;
    const representative = stored ?? cellClasses()[classId].representative;
    return {
      cellCode: key.cellCode,
      lr: key.lr,
      batchSize: key.batchSize,
      index,
      classId,
      representative,
    };
  }

  /** Official semantics (SPEC section 5); see `QueryOptions`. Throws on bad keys and options. */
  query(key: ConfigKey, options: QueryOptions = {}): QueryResult {
    const index = configIndex(key);
    return this.queryAt(index, options, key);
  }

  /** `query` by official configuration index 0..196,607. */
  queryAt(index: number, options: QueryOptions = {}, key?: ConfigKey): QueryResult {
    const { epoch = 12, mode = 'valid', iepoch, seed } = options;
    const row = this.#row(index);
    modeIndex(mode);
    if (seed !== undefined && !this.seeds.includes(seed)) {
      throw new InvalidArgumentError('dataset', 'seed', seed, this.seeds.join(', '));
    }

    if (this.isLongEpoch(epoch)) {
      if (iepoch !== undefined) {
        const allowed = `none at epoch ${epoch} (iepoch applies to the ${this.#epochs}-epoch runs)`;
        throw new InvalidArgumentError('dataset', 'iepoch', iepoch, allowed);
      }
      const accuracy = row >= 0 ? this.#t.longAccuracy[row] : Number.NaN;
      if (Number.isNaN(accuracy))
        throw new MissingDataError(`dataset: no long-training value for ${describe(index, key)}`);
      return { accuracy, cost: null };
    }
    if (!this.isShortEpoch(epoch)) {
      const allowed = [...new Set([12, this.#epochs, 200, this.protocol.longEpochs])].join(', ');
      throw new InvalidArgumentError('dataset', 'epoch', epoch, allowed);
    }

    const e = iepoch ?? this.#epochs;
    this.#checkEpoch(e);
    if (!this.hasRun(index, seed)) {
      const which = seed === undefined ? 'no run' : `no run with seed ${seed}`;
      throw new MissingDataError(`dataset: ${which} for ${describe(index, key)} in this benchmark`);
    }
    return {
      accuracy: this.accuracyAt(index, mode, e, seed),
      cost: this.costAt(index, mode, e, seed),
    };
  }

  /** Accuracy (percent) of `mode` after epoch `iepoch` (1..E); seed undefined = mean; NaN if missing. */
  accuracyAt(index: number, mode: Mode, iepoch: number, seed?: number): number {
    return this.#read(this.#t.accuracy, index, mode, iepoch, seed);
  }

  /** Cost (seconds) of `mode` over the first `iepoch` epochs; seed undefined = mean; NaN if missing. */
  costAt(index: number, mode: Mode, iepoch: number, seed?: number): number {
    return this.#read(this.#t.cost, index, mode, iepoch, seed);
  }

  /**
   * Predicted spread (percent points) of the accuracy `accuracyAt` returns: the surrogate's
   * predictive std of the configuration's seed-mean accuracy of `mode` after epoch `iepoch`
   * (1..E). With a seed: that run's stored spread; without: the mean over the runs that have one
   * (runs completed by the surrogate carry the same value for every seed). NaN where unknown:
   * measured runs, files without the spread columns, or opened with `columns: 'query'`.
   * Example: `bench.accuracyStdAt(index, 'valid', 12)` → 1.8.
   */
  accuracyStdAt(index: number, mode: Mode, iepoch: number, seed?: number): number {
    return this.#readSpread(this.#t.accuracyStd, index, mode, iepoch, seed);
  }

  /**
   * Predicted spread (seconds) of one epoch's `mode` pass time (epoch `iepoch`, 1..E; not of the
   * cumulative `costAt`), with the same rules as `accuracyStdAt`; NaN where unknown.
   */
  secondsStdAt(index: number, mode: Mode, iepoch: number, seed?: number): number {
    return this.#readSpread(this.#t.secondsStd, index, mode, iepoch, seed);
  }

  /** Long-training (protocol.longEpochs) test accuracy in percent; NaN when the file has none. */
  longAccuracyAt(index: number): number {
    const row = this.#row(index);
    return row >= 0 ? this.#t.longAccuracy[row] : Number.NaN;
  }

  /** Spread of the long test accuracy in percent points (seed or predictive std); NaN if unknown. */
  longStdAt(index: number): number {
    const row = this.#row(index);
    return row >= 0 ? this.#t.longStd[row] : Number.NaN;
  }

  /**
   * True when the configuration has short runs and all of them were trained, not predicted; with
   * `seed`, when that seed's run was trained (a bad seed throws).
   */
  isMeasured(index: number, seed?: number): boolean {
    const row = this.#row(index);
    if (row < 0) return false;
    const base = row * this.#seedCount;
    if (seed !== undefined) return this.#t.runState[base + this.#seedIndex(seed)] === SLOT_MEASURED;
    let any = false;
    for (let s = 0; s < this.#seedCount; s++) {
      const state = this.#t.runState[base + s];
      if (state === SLOT_MISSING) continue;
      if (state !== SLOT_MEASURED) return false;
      any = true;
    }
    return any;
  }

  /** True when the configuration's long value was trained, not predicted. */
  isLongMeasured(index: number): boolean {
    const row = this.#row(index);
    return row >= 0 && this.#t.longState[row] === SLOT_MEASURED;
  }

  /** True when a short run exists for the configuration (for `seed`, or for any seed). */
  hasRun(index: number, seed?: number): boolean {
    const row = this.#row(index);
    const s = seed === undefined ? -1 : this.#seedIndex(seed);
    if (row < 0) return false;
    const base = row * this.#seedCount;
    if (s >= 0) return this.#t.runState[base + s] !== SLOT_MISSING;
    for (let s = 0; s < this.#seedCount; s++)
      if (this.#t.runState[base + s] !== SLOT_MISSING) return true;
    return false;
  }

  /** Every stored run, by class, pair and seed. */
  *runs(): IterableIterator<RunRecord> {
    const t = this.#t;
    if (!t.loss)
      throw new MissingDataError('dataset: this benchmark was opened without its loss columns');
    const E = this.#epochs;
    for (let row = 0; row < t.trainingOfRow.length; row++) {
      const training = t.trainingOfRow[row];
      for (let s = 0; s < this.#seedCount; s++) {
        const slot = row * this.#seedCount + s;
        if (t.runState[slot] === SLOT_MISSING) continue;
        const series = (values: Float64Array, m: number) =>
          Array.from(values.subarray((slot * 3 + m) * E, (slot * 3 + m + 1) * E));
        const record: RunRecord = {
          cellCode: t.runCellCode[row] as string,
          classId: Math.floor(training / HYPERPARAMETER_PAIR_COUNT),
          ...pairValues(training % HYPERPARAMETER_PAIR_COUNT),
          seed: t.seeds[s],
          trainAccuracy: series(t.accuracy, 0),
          trainLoss: series(t.loss, 0),
          validAccuracy: series(t.accuracy, 1),
          validLoss: series(t.loss, 1),
          testAccuracy: series(t.accuracy, 2),
          testLoss: series(t.loss, 2),
          trainSeconds: series(t.seconds, 0),
          validSeconds: series(t.seconds, 1),
          testSeconds: series(t.seconds, 2),
          parameters: t.parameters[row],
          flops: t.flops[row],
          measured: t.runState[slot] === SLOT_MEASURED,
        };
        for (const { table, fields } of OPTIONAL_SERIES_TABLES) {
          const stored = t[table];
          if (!stored) continue;
          fields.forEach((field, m) => {
            const values = series(stored, m);
            if (!values.every(Number.isNaN)) record[field] = values;
          });
        }
        const totals = t.totals.subarray(slot * 3, slot * 3 + 3);
        if (!totals.some(Number.isNaN)) {
          record.totalSeconds = { train: totals[0], trainValid: totals[1], test: totals[2] };
        }
        if (t.runBackend[slot]) record.backend = t.labels[t.runBackend[slot]];
        if (t.runDevice[slot]) record.device = t.labels[t.runDevice[slot]];
        yield record;
      }
    }
  }

  /** Every stored long-training value. */
  *longRecords(): IterableIterator<LongRecord> {
    const t = this.#t;
    for (let row = 0; row < t.trainingOfRow.length; row++) {
      if (t.longState[row] === SLOT_MISSING) continue;
      const training = t.trainingOfRow[row];
      const classId = Math.floor(training / HYPERPARAMETER_PAIR_COUNT);
      const record: LongRecord = {
        cellCode: t.longCellCode[row] ?? cellClasses()[classId].representative,
        classId,
        ...pairValues(training % HYPERPARAMETER_PAIR_COUNT),
        testAccuracy: t.longAccuracy[row],
        testAccuracyStd: t.longStd[row],
        measured: t.longState[row] === SLOT_MEASURED,
      };
      const seeds = t.longSeeds[row];
      if (seeds) record.seeds = [...seeds];
      yield record;
    }
  }

  /** Counts of runs, trainings, configurations and long values present. */
  coverage(): BenchmarkCoverage {
    const t = this.#t;
    const S = this.#seedCount;
    const result: BenchmarkCoverage = {
      runs: 0,
      measuredRuns: 0,
      trainings: 0,
      completeTrainings: 0,
      configurations: 0,
      classes: 0,
      longRecords: 0,
      measuredLongRecords: 0,
      longConfigurations: 0,
    };
    const rows = t.trainingOfRow.length;
    const hasRun = new Uint8Array(rows);
    const classSeen = new Set<number>();
    for (let row = 0; row < rows; row++) {
      let present = 0;
      for (let s = 0; s < S; s++) {
        const state = t.runState[row * S + s];
        if (state === SLOT_MISSING) continue;
        present += 1;
        if (state === SLOT_MEASURED) result.measuredRuns += 1;
      }
      result.runs += present;
      if (present > 0) {
        hasRun[row] = 1;
        result.trainings += 1;
        classSeen.add(Math.floor(t.trainingOfRow[row] / HYPERPARAMETER_PAIR_COUNT));
      }
      if (present === S && S > 0) result.completeTrainings += 1;
      if (t.longState[row] !== SLOT_MISSING) {
        result.longRecords += 1;
        if (t.longState[row] === SLOT_MEASURED) result.measuredLongRecords += 1;
      }
    }
    for (let index = 0; index < CONFIGURATION_COUNT; index++) {
      const row = t.rowOfConfig[index];
      if (row < 0) continue;
      result.configurations += hasRun[row];
      if (t.longState[row] !== SLOT_MISSING) result.longConfigurations += 1;
    }
    result.classes = classSeen.size;
    return result;
  }

  #row(index: number): number {
    const row = this.#t.rowOfConfig[index];
    if (row === undefined || !Number.isInteger(index)) {
      const allowed = `integers 0..${CONFIGURATION_COUNT - 1}`;
      throw new InvalidArgumentError('dataset', 'index', index, allowed, 'configuration index');
    }
    return row;
  }

  #seedIndex(seed: number): number {
    const s = this.#t.seeds.indexOf(seed);
    if (s < 0) throw new InvalidArgumentError('dataset', 'seed', seed, this.seeds.join(', '));
    return s;
  }

  #checkEpoch(iepoch: number): void {
    if (!(Number.isInteger(iepoch) && iepoch >= 1 && iepoch <= this.#epochs)) {
      throw new InvalidArgumentError('dataset', 'iepoch', iepoch, `integers 1..${this.#epochs}`);
    }
  }

  #read(
    values: Float64Array,
    index: number,
    mode: Mode,
    iepoch: number,
    seed: number | undefined,
  ): number {
    const row = this.#row(index);
    const m = modeIndex(mode);
    this.#checkEpoch(iepoch);
    const E = this.#epochs;
    const S = this.#seedCount;
    if (seed !== undefined) {
      const s = this.#seedIndex(seed);
      if (row < 0) return Number.NaN;
      const slot = row * S + s;
      return values[(slot * 3 + m) * E + iepoch - 1];
    }
    if (row < 0) return Number.NaN;
    const means = this.#meansOf(values);
    return means[(row * 3 + m) * E + iepoch - 1];
  }

  #readSpread(
    values: Float64Array | null,
    index: number,
    mode: Mode,
    iepoch: number,
    seed: number | undefined,
  ): number {
    const row = this.#row(index);
    const m = modeIndex(mode);
    this.#checkEpoch(iepoch);
    const s = seed === undefined ? -1 : this.#seedIndex(seed);
    if (row < 0 || !values) return Number.NaN;
    const E = this.#epochs;
    const S = this.#seedCount;
    const at = (slot: number) => (slot * 3 + m) * E + iepoch - 1;
    if (s >= 0) return values[at(row * S + s)];
    // Few seeds and a rarely asked value: averaged here rather than cached like the means.
    let sum = 0;
    let count = 0;
    for (let k = 0; k < S; k++) {
      const value = values[at(row * S + k)];
      if (Number.isNaN(value)) continue;
      sum += value;
      count += 1;
    }
    return count > 0 ? sum / count : Number.NaN;
  }

  /**
   * Mean over the seeds that were run of every (row, mode, epoch) of `values` (accuracy or cost),
   * computed on the first seedless query, so such queries read one value like seeded ones do.
   */
  #meansOf(values: Float64Array): Float64Array {
    const cached = this.#means.get(values);
    if (cached) return cached;
    const t = this.#t;
    const E = this.#epochs;
    const S = this.#seedCount;
    const rows = t.trainingOfRow.length;
    const means = new Float64Array(rows * 3 * E);
    const width = 3 * E;
    for (let row = 0; row < rows; row++) {
      for (let k = 0; k < width; k++) {
        let sum = 0;
        let count = 0;
        for (let s = 0; s < S; s++) {
          const slot = row * S + s;
          if (t.runState[slot] === SLOT_MISSING) continue;
          sum += values[slot * width + k];
          count += 1;
        }
        means[row * width + k] = count > 0 ? sum / count : Number.NaN;
      }
    }
    this.#means.set(values, means);
    return means;
  }
}

function describe(index: number, key: ConfigKey | undefined): string {
  if (!key) return `configuration index ${index}`;
  return `${key.cellCode} lr=${key.lr} batch size ${key.batchSize}`;
}

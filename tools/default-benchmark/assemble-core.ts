/**
 * Assembles the default benchmark from the sweep's part files: merges them, fits the surrogate,
 * completes all 48,528 (class, lr, batch size) configurations, checks physical ranges, writes the
 * versioned benchmark file and the surrogate file, and summarises what was measured.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Benchmark,
  type BenchmarkMetadata,
  FORMAT_VERSION,
  type LongRecord,
  type RunRecord,
  type TrainingProtocol,
} from '@nashpobench2/dataset';
import {
  loadBenchmarkPath,
  validateBenchmarkPath,
  writeBenchmarkFile,
  writeFileAtomic,
} from '@nashpobench2/dataset/node';
import { CELL_CLASS_COUNT, HYPERPARAMETER_PAIR_COUNT } from '@nashpobench2/search-space';
import {
  BenchmarkSurrogate,
  type CompletedBenchmark,
  type CompletionOptions,
  CostModel,
  CURVE_FIELDS,
  completeBenchmark,
  protocolShape,
} from '@nashpobench2/surrogate';
import { saveBenchmarkSurrogate } from '@nashpobench2/surrogate/node';
import { type PlannedRun, planDefaultBenchmark } from './plan.js';
import { finishedKey, longSeedKeys } from './sweep-core.js';

/** Version of the default benchmark's build (plan + assembly); part of the file name. */
export const DEFAULT_BENCHMARK_VERSION = 1;
/** Name of the benchmark file written by {@link assembleDefaultBenchmark}. */
export const BENCHMARK_FILE = `default-v${DEFAULT_BENCHMARK_VERSION}.parquet`;
export const SURROGATE_FILE = `default-v${DEFAULT_BENCHMARK_VERSION}.surrogate.json`;
export const SUMMARY_JSON = 'summary.json';
export const SUMMARY_MARKDOWN = 'summary.md';

/** One line of the sweep's `timings.jsonl`. */
export interface TimingLine {
  key: string;
  purpose: PlannedRun['purpose'];
  schedule: PlannedRun['schedule'];
  wallSeconds: number;
  cpuSeconds: number;
  /** ISO time the run finished. */
  finishedAt?: string;
  parallel?: number;
  host?: string;
}

export interface AssembleOptions {
  /** Folder of the sweep's part files (and its timings.jsonl). */
  readonly parts: string;
  /** Folder to write the benchmark file, the surrogate file and the summaries into. */
  readonly out: string;
  /** Surrogate options (folds, models, ensemble size...); the surrogate package's defaults otherwise. */
  readonly completion?: CompletionOptions;
  /** Command line or other note recorded in the provenance. */
  readonly command?: string;
  /** Parquet codec of the benchmark file; default the dataset package's (SNAPPY). */
  readonly codec?: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';
  /**
   * Store predicted values compactly so the file stays small (see {@link compactPredictedValues}):
   * accuracies on the grid a measured run can reach, seconds to 3 significant digits and the same
   * for every seed of a configuration, predicted losses left out. Measured values are never
   * changed. Default false.
   */
  readonly compact?: boolean;
}

const significant3 = (v: number) => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(3)) : v);

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Images per split, for the accuracy grid of {@link compactPredictedValues}. */
export interface SplitSizes {
  trainImages: number;
  validImages: number;
  testImages: number;
}

/** `v` rounded to a multiple of 100 / images (a measured accuracy's grid), printed without float noise. */
export function onAccuracyGrid(v: number, images: number): number {
  if (!Number.isFinite(v)) return v;
  const correct = Math.round((v / 100) * images);
  return Number(((100 * correct) / images).toFixed(6));
}

/**
 * The predicted values of a completed set stored compactly (measured values are never changed):
 * - accuracies rounded to the grid a measured run can reach, 100 / images of the split (0.05 pp
 *   for 2,000 images): finer digits would be below both the evaluation's resolution and the
 *   prediction's spread; and never below the lowest value a measured run reached on the split;
 * - per-pass seconds to 3 significant digits and equal for all seeds of a configuration (their
 *   mean): a pass's CPU cost depends on the network and batch size, not on the seed, and the
 *   seed-to-seed differences the noise model adds to costs are load noise, not signal;
 * - predicted losses left out (NaN, "not recorded" in the format: the issue asks for accuracies
 *   and times, and the surrogate file still predicts losses);
 * - predicted spreads (the surrogate's predictive std of each seed-mean value, a property of the
 *   configuration) to 2 significant digits, stored once per configuration on its lowest predicted
 *   seed (`accuracyStdAt(index, mode, epoch)` without a seed reads it).
 * Long values are rounded to 0.01 pp. This keeps the completed default benchmark under 15 MB.
 */
export function compactPredictedValues(
  runs: readonly RunRecord[],
  long: readonly LongRecord[],
  sizes: SplitSizes,
): { runs: RunRecord[]; long: LongRecord[] } {
  const seconds = ['trainSeconds', 'validSeconds', 'testSeconds'] as const;
  const meanSeconds = new Map<string, { n: number; sums: number[][] }>();
  const configuration = (r: RunRecord) => `${r.classId}/${r.lr}/${r.batchSize}`;
  for (const run of runs) {
    if (run.measured) continue;
    const key = configuration(run);
    let entry = meanSeconds.get(key);
    if (!entry) {
      entry = { n: 0, sums: seconds.map((f) => run[f].map(() => 0)) };
      meanSeconds.set(key, entry);
    }
    entry.n++;
    seconds.forEach((f, i) => {
      run[f].forEach((v, e) => {
        entry.sums[i][e] += v;
      });
    });
  }
  // Predicted accuracies never go below the lowest accuracy any measured run reached on that
  // split (about chance, 10 %): the seed noise would otherwise push near-chance configurations
  // to values no network here produces.
  const floorOf = (field: 'trainAccuracy' | 'validAccuracy' | 'testAccuracy') => {
    let lowest = Number.POSITIVE_INFINITY;
    for (const run of runs)
      if (run.measured) for (const v of run[field]) lowest = Math.min(lowest, v);
    return Number.isFinite(lowest) ? lowest : 0;
  };
  const floors = {
    train: floorOf('trainAccuracy'),
    valid: floorOf('validAccuracy'),
    test: floorOf('testAccuracy'),
  };
  const grid = (values: number[], images: number, floor: number) =>
    values.map((v) => onAccuracyGrid(Math.max(v, floor), images));
  // Spreads to 2 significant digits (a spread's own precision).
  const significant2 = (values: number[] | undefined) =>
    values?.map((v) => (Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(2)) : v));
  // A spread belongs to the configuration's seed mean, the same for its seeds: stored once, on the
  // configuration's lowest predicted seed (the other seeds' runs leave the columns NaN).
  const spreadStored = new Set<string>();
  const lowestSeed = new Map<string, number>();
  for (const run of runs) {
    if (run.measured) continue;
    const key = configuration(run);
    lowestSeed.set(key, Math.min(run.seed, lowestSeed.get(key) ?? Number.POSITIVE_INFINITY));
  }
  const spreads = (run: RunRecord): Partial<RunRecord> => {
    const out: Partial<RunRecord> = {
      trainAccuracyStd: undefined,
      validAccuracyStd: undefined,
      testAccuracyStd: undefined,
      trainSecondsStd: undefined,
      validSecondsStd: undefined,
      testSecondsStd: undefined,
    };
    const key = configuration(run);
    if (lowestSeed.get(key) !== run.seed || spreadStored.has(key)) return out;
    spreadStored.add(key);
    if (run.trainAccuracyStd) out.trainAccuracyStd = significant2(run.trainAccuracyStd);
    if (run.validAccuracyStd) out.validAccuracyStd = significant2(run.validAccuracyStd);
    if (run.testAccuracyStd) out.testAccuracyStd = significant2(run.testAccuracyStd);
    if (run.trainSecondsStd) out.trainSecondsStd = significant2(run.trainSecondsStd);
    if (run.validSecondsStd) out.validSecondsStd = significant2(run.validSecondsStd);
    if (run.testSecondsStd) out.testSecondsStd = significant2(run.testSecondsStd);
    return out;
  };
  return {
    runs: runs.map((run) => {
      if (run.measured) return run;
      const entry = meanSeconds.get(configuration(run)) as { n: number; sums: number[][] };
      const mean = (i: number) => entry.sums[i].map((total) => significant3(total / entry.n));
      return {
        ...run,
        trainAccuracy: grid(run.trainAccuracy, sizes.trainImages, floors.train),
        validAccuracy: grid(run.validAccuracy, sizes.validImages, floors.valid),
        testAccuracy: grid(run.testAccuracy, sizes.testImages, floors.test),
        trainLoss: run.trainLoss.map(() => Number.NaN),
        validLoss: run.validLoss.map(() => Number.NaN),
        testLoss: run.testLoss.map(() => Number.NaN),
        trainSeconds: mean(0),
        validSeconds: mean(1),
        testSeconds: mean(2),
        ...spreads(run),
      };
    }),
    long: long.map((record) =>
      record.measured
        ? record
        : {
            ...record,
            testAccuracy: round2(record.testAccuracy),
            testAccuracyStd: round2(record.testAccuracyStd),
          },
    ),
  };
}

/** A value outside its physical range, one line. */
export function rangeProblems(runs: readonly RunRecord[], long: readonly LongRecord[]): string[] {
  const problems: string[] = [];
  const where = (r: { cellCode: string; lr: number; batchSize: number }) =>
    `${r.cellCode} lr ${r.lr} bs ${r.batchSize}`;
  for (const run of runs) {
    const tag = `${run.measured ? 'measured' : 'predicted'} run ${where(run)} seed ${run.seed}`;
    for (const field of ['trainAccuracy', 'validAccuracy', 'testAccuracy'] as const) {
      const bad = run[field].findIndex((v) => !(v >= 0 && v <= 100));
      if (bad >= 0)
        problems.push(`${tag}: ${field}[${bad}] = ${run[field][bad]} is not in [0, 100]`);
    }
    for (const field of ['trainSeconds', 'validSeconds', 'testSeconds'] as const) {
      const bad = run[field].findIndex((v) => !(v > 0 && Number.isFinite(v)));
      if (bad >= 0) problems.push(`${tag}: ${field}[${bad}] = ${run[field][bad]} is not > 0`);
    }
    for (const field of ['trainLoss', 'validLoss', 'testLoss'] as const) {
      // NaN = not recorded (a diverged run, or predicted losses left out of a compact file).
      const bad = run[field].findIndex((v) => v < 0 || v === Number.POSITIVE_INFINITY);
      if (bad >= 0) problems.push(`${tag}: ${field}[${bad}] = ${run[field][bad]} is not a loss`);
    }
  }
  for (const record of long) {
    const tag = `${record.measured ? 'measured' : 'predicted'} long value ${where(record)}`;
    if (!(record.testAccuracy >= 0 && record.testAccuracy <= 100)) {
      problems.push(`${tag}: ${record.testAccuracy} is not in [0, 100]`);
    }
    if (
      !record.measured &&
      !(record.testAccuracyStd >= 0 && Number.isFinite(record.testAccuracyStd))
    ) {
      problems.push(`${tag}: predicted spread ${record.testAccuracyStd} is not ≥ 0`);
    }
  }
  return problems;
}

/**
 * The default benchmark charges process CPU seconds, not wall seconds: the sweep shares its
 * machine, and under load one training pass of the same run took 11 s or 131 s of wall time,
 * while its CPU time (WASM is single-threaded) stays within a few percent. Runs that recorded
 * per-pass CPU seconds use them; older runs, which recorded wall seconds only, have each pass
 * scaled by their run's CPU/wall ratio from `timings.jsonl`. Returns the runs and how many of
 * each kind; throws naming a run that has neither.
 */
export function chargeCpuSeconds(
  runs: readonly RunRecord[],
  timings: readonly TimingLine[],
): { runs: RunRecord[]; recorded: number; scaled: number } {
  const ratio = new Map<string, number>();
  for (const t of timings) {
    if (t.wallSeconds > 0 && t.cpuSeconds > 0) ratio.set(t.key, t.cpuSeconds / t.wallSeconds);
  }
  let recorded = 0;
  let scaled = 0;
  const complete = (v: number[] | undefined, n: number): v is number[] =>
    v !== undefined && v.length === n && v.every((x) => Number.isFinite(x) && x > 0);
  const out = runs.map((run) => {
    const n = run.trainSeconds.length;
    if (
      complete(run.trainCpuSeconds, n) &&
      complete(run.validCpuSeconds, n) &&
      complete(run.testCpuSeconds, n)
    ) {
      recorded++;
      return {
        ...run,
        trainSeconds: [...run.trainCpuSeconds],
        validSeconds: [...run.validCpuSeconds],
        testSeconds: [...run.testCpuSeconds],
      };
    }
    const key = `run:${run.cellCode}/${run.lr}/${run.batchSize}/${run.seed}`;
    const r = ratio.get(key);
    if (r === undefined) {
      throw new Error(
        `default-benchmark: run ${run.cellCode} lr ${run.lr} bs ${run.batchSize} seed ${run.seed} has no per-pass CPU seconds and no line in timings.jsonl to scale its wall seconds by`,
      );
    }
    scaled++;
    const scale = (values: number[]) => values.map((v) => v * r);
    return {
      ...run,
      trainSeconds: scale(run.trainSeconds),
      validSeconds: scale(run.validSeconds),
      testSeconds: scale(run.testSeconds),
      trainCpuSeconds: scale(run.trainSeconds),
      validCpuSeconds: scale(run.validSeconds),
      testCpuSeconds: scale(run.testSeconds),
    };
  });
  return { runs: out, recorded, scaled };
}

/** Which runs define the benchmark's cost unit (`cost-reference.json` beside the parts). */
export interface CostReference {
  /** ISO time: runs finished at or after it were trained by the reference trainer. */
  readonly since: string;
  /**
   * ISO time: runs finished at or after it ran where CPU seconds are in another unit (another
   * machine or trainer); like the runs before `since` they are charged the cost model's seconds,
   * fitted on the reference runs. Absent: the reference period is open.
   */
  readonly until?: string;
  /** The reference trainer (a commit), for the provenance. */
  readonly trainer?: string;
  readonly why?: string;
}

/** Fewest reference runs to fit the cost model on; with fewer, costs are left as charged. */
export const MIN_COST_REFERENCE_RUNS = 20;

/** Reads the cost reference of a parts folder (`<parts>/../cost-reference.json`); none: undefined. */
export async function readCostReference(parts: string): Promise<CostReference | undefined> {
  const text = await readFile(join(parts, '..', 'cost-reference.json'), 'utf8').catch(() => '');
  if (text === '') return undefined;
  const value = JSON.parse(text) as CostReference;
  if (typeof value.since !== 'string' || Number.isNaN(Date.parse(value.since))) {
    throw new Error(
      `default-benchmark: cost-reference.json: since ${JSON.stringify(value.since)} is not valid; allowed: an ISO 8601 time`,
    );
  }
  if (value.until !== undefined && Number.isNaN(Date.parse(value.until))) {
    throw new Error(
      `default-benchmark: cost-reference.json: until ${JSON.stringify(value.until)} is not valid; allowed: an ISO 8601 time after since, or no until`,
    );
  }
  return value;
}

/**
 * Puts every measured run's pass seconds in the reference trainer's unit: runs finished before
 * `reference.since` (by `timings.jsonl`) were trained by an older, slower trainer, and runs finished
 * at or after `reference.until` on another machine, so their seconds are replaced by the cost model's prediction for their (cell, batch size), fitted on the
 * reference runs; their raw CPU seconds stay in the cpu-seconds fields. With fewer than
 * {@link MIN_COST_REFERENCE_RUNS} reference runs nothing changes. Returns the runs and counts.
 */
export function normalizeCostGeneration(
  runs: readonly RunRecord[],
  timings: readonly TimingLine[],
  reference: CostReference | undefined,
  protocol: TrainingProtocol,
): { runs: RunRecord[]; reference: number; modeled: number } {
  if (!reference) return { runs: [...runs], reference: runs.length, modeled: 0 };
  const since = Date.parse(reference.since);
  const until =
    reference.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(reference.until);
  const finished = new Map<string, number>();
  for (const t of timings) if (t.finishedAt) finished.set(t.key, Date.parse(t.finishedAt));
  const key = (r: RunRecord) => `run:${r.cellCode}/${r.lr}/${r.batchSize}/${r.seed}`;
  const isReference = (r: RunRecord) => {
    const at = finished.get(key(r)) ?? Number.NEGATIVE_INFINITY;
    return at >= since && at < until;
  };
  const refRuns = runs.filter(isReference);
  if (refRuns.length < MIN_COST_REFERENCE_RUNS) {
    return { runs: [...runs], reference: refRuns.length, modeled: 0 };
  }
  const evalBatchSize = (protocol as { evalBatchSize?: number | null }).evalBatchSize ?? null;
  const model = CostModel.fit(
    refRuns.map((r) => ({
      cellCode: r.cellCode,
      classId: r.classId,
      batchSize: r.batchSize,
      seconds: { train: r.trainSeconds, valid: r.validSeconds, test: r.testSeconds },
    })),
    { shape: protocolShape(protocol), evalBatchSize },
  );
  let modeled = 0;
  const out = runs.map((r) => {
    if (isReference(r)) return r;
    modeled++;
    return {
      ...r,
      trainSeconds: [...model.predict(r.cellCode, r.batchSize, 'train')],
      validSeconds: [...model.predict(r.cellCode, r.batchSize, 'valid')],
      testSeconds: [...model.predict(r.cellCode, r.batchSize, 'test')],
      trainCpuSeconds: r.trainCpuSeconds ?? r.trainSeconds,
      validCpuSeconds: r.validCpuSeconds ?? r.validSeconds,
      testCpuSeconds: r.testCpuSeconds ?? r.testSeconds,
    };
  });
  return { runs: out, reference: refRuns.length, modeled };
}

/** Reads `timings.jsonl` of a parts folder (missing file: none). */
export async function readTimings(parts: string): Promise<TimingLine[]> {
  const text = await readFile(join(parts, 'timings.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TimingLine);
}

/** What was measured, by the plan's parts. */
export interface MeasuredCounts {
  shortRuns: number;
  longValues: number;
  classes: number;
  byPurpose: Record<PlannedRun['purpose'], number>;
  /** Configurations with all three seeds measured. */
  threeSeedConfigurations: number;
  /** Long values measured as the mean over three or more seeds. */
  threeSeedLongValues: number;
  /** Spanning cells with all 48 pairs measured. */
  completeGridCells: number;
  /** Runs in the parts that are not in the plan (e.g. merged from elsewhere). */
  outsidePlan: number;
}

export function countMeasured(
  runs: readonly RunRecord[],
  long: readonly LongRecord[],
  plan: readonly PlannedRun[] = planDefaultBenchmark(),
): MeasuredCounts {
  const keys = new Set<string>();
  for (const run of runs) keys.add(`run:${run.cellCode}/${run.lr}/${run.batchSize}/${run.seed}`);
  for (const record of long) keys.add(`long:${record.cellCode}/${record.lr}/${record.batchSize}`);
  for (const key of longSeedKeys(long)) keys.add(key);
  const byPurpose = { grid: 0, 'space-filling': 0, seeds: 0, long: 0, 'long-seeds': 0 };
  const planned = new Set<string>();
  for (const run of plan) {
    const key = finishedKey(run);
    planned.add(key);
    if (keys.has(key)) byPurpose[run.purpose]++;
  }
  const seedsPerConfig = new Map<string, Set<number>>();
  for (const run of runs) {
    const key = `${run.classId}/${run.lr}/${run.batchSize}`;
    const set = seedsPerConfig.get(key) ?? new Set<number>();
    set.add(run.seed);
    seedsPerConfig.set(key, set);
  }
  const gridByCell = new Map<string, number>();
  for (const run of plan) {
    if (run.purpose === 'grid' && keys.has(finishedKey(run))) {
      gridByCell.set(run.cellCode, (gridByCell.get(run.cellCode) ?? 0) + 1);
    }
  }
  return {
    shortRuns: runs.length,
    longValues: long.length,
    classes: new Set([...runs.map((r) => r.classId), ...long.map((r) => r.classId)]).size,
    byPurpose,
    threeSeedConfigurations: [...seedsPerConfig.values()].filter((s) => s.size >= 3).length,
    threeSeedLongValues: long.filter((r) => r.measured && new Set(r.seeds ?? []).size >= 3).length,
    completeGridCells: [...gridByCell.values()].filter((n) => n === HYPERPARAMETER_PAIR_COUNT)
      .length,
    outsidePlan: [...keys].filter((key) => !planned.has(key)).length,
  };
}

/** Seed-to-seed spread of measured values, from the configurations measured with 3+ seeds. */
export interface SeedNoise {
  short: {
    /** Configurations with 3+ seeds of the short schedule. */
    configurations: number;
    /** Median and pooled (root mean variance) sample std of the final valid accuracy, pp. */
    medianValidStd: number;
    pooledValidStd: number;
    /** The same for the final test accuracy, pp. */
    medianTestStd: number;
    pooledTestStd: number;
  };
  long: {
    /** Long values measured as the mean over 3+ seeds. */
    configurations: number;
    /** Median and pooled sample std of the long test accuracy over seeds, pp. */
    medianStd: number;
    pooledStd: number;
  };
}

/** Sample variance (n − 1); NaN below 2 values. */
function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1);
}

/**
 * The measured seed noise: per configuration with 3+ measured seeds, the sample std over seeds
 * of the final valid and test accuracy (short) or of the long test accuracy (long: the std the
 * long part stores); reported as the median and the pooled std (root of the mean variance).
 * Measured values only; NaN where no configuration has 3 seeds.
 */
export function seedNoise(runs: readonly RunRecord[], long: readonly LongRecord[]): SeedNoise {
  const byConfig = new Map<string, RunRecord[]>();
  for (const run of runs) {
    if (!run.measured) continue;
    const key = `${run.classId}/${run.lr}/${run.batchSize}`;
    const list = byConfig.get(key) ?? [];
    list.push(run);
    byConfig.set(key, list);
  }
  const last = (values: readonly number[]) => values[values.length - 1];
  const validVar: number[] = [];
  const testVar: number[] = [];
  for (const list of byConfig.values()) {
    if (new Set(list.map((r) => r.seed)).size < 3) continue;
    validVar.push(sampleVariance(list.map((r) => last(r.validAccuracy))));
    testVar.push(sampleVariance(list.map((r) => last(r.testAccuracy))));
  }
  const longVar = long
    .filter((r) => r.measured && new Set(r.seeds ?? []).size >= 3)
    .map((r) => r.testAccuracyStd ** 2);
  const pooled = (variances: number[]) => Math.sqrt(mean(variances));
  const medianStd = (variances: number[]) => median(variances.map(Math.sqrt));
  return {
    short: {
      configurations: validVar.length,
      medianValidStd: medianStd(validVar),
      pooledValidStd: pooled(validVar),
      medianTestStd: medianStd(testVar),
      pooledTestStd: pooled(testVar),
    },
    long: {
      configurations: longVar.length,
      medianStd: medianStd(longVar),
      pooledStd: pooled(longVar),
    },
  };
}

export interface AssembleSummary {
  version: number;
  createdAt: string;
  protocol: { name: string; version: unknown; shortEpochs: number; longEpochs: number };
  files: { benchmark: string; bytes: number; surrogate: string; surrogateBytes: number };
  measured: MeasuredCounts;
  /** Seed-to-seed spread of the measured values (absent in summaries written before it). */
  seedNoise?: SeedNoise;
  completed: {
    runs: number;
    measuredRuns: number;
    longValues: number;
    measuredLong: number;
    configurations: number;
    /** Median predicted std of the final valid accuracy over predicted configurations, percent points. */
    medianFinalValidStd: number;
    /** Median predicted std of the long accuracy over predicted configurations, percent points. */
    medianLongStd: number;
  };
  cost: {
    /** Runs with a timing line. */
    timedRuns: number;
    wallSeconds: number;
    cpuSeconds: number;
    meanShortWallSeconds: number;
    meanShortCpuSeconds: number;
    meanLongWallSeconds: number;
    meanLongCpuSeconds: number;
    /** Sum of the measured runs' charged pass seconds (CPU; train + valid + test, all epochs). */
    recordedPassSeconds: number;
    /** Runs charged their recorded per-pass CPU seconds. */
    cpuRecordedRuns: number;
    /** Older runs whose wall seconds were scaled by their CPU/wall ratio. */
    cpuScaledRuns: number;
    /** Runs trained by the reference trainer (cost-reference.json), whose CPU seconds are charged. */
    costReferenceRuns: number;
    /** Runs of older trainers charged the cost model's seconds (raw CPU seconds kept aside). */
    costModeledRuns: number;
  };
  fitSeconds: number;
  reports: CompletedBenchmark['reports'];
  /** Held-out seconds: the cost model vs the curve model, per pass, and which one was used. */
  seconds: CompletedBenchmark['secondsReport'];
  validation: { ok: boolean; errors: string[]; warnings: string[] };
}

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Merges, completes, checks and writes; throws when a value is out of range or validation fails. */
export async function assembleDefaultBenchmark(options: AssembleOptions): Promise<AssembleSummary> {
  const loaded = await loadBenchmarkPath(options.parts);
  const parts = new Benchmark(loaded.tables, loaded.metadata);
  const protocol = parts.protocol;
  const timings = await readTimings(options.parts);
  const charged = chargeCpuSeconds(
    [...parts.runs()].filter((run) => run.measured),
    timings,
  );
  const costReference = await readCostReference(options.parts);
  const generation = normalizeCostGeneration(
    charged.runs,
    timings,
    costReference,
    parts.protocol as TrainingProtocol,
  );
  const runs = generation.runs;
  const long = [...parts.longRecords()].filter((record) => record.measured);
  if (runs.length === 0)
    throw new Error(`default-benchmark: ${options.parts} holds no measured runs`);
  if (long.length === 0) {
    throw new Error(
      `default-benchmark: ${options.parts} holds no measured long values yet; the surrogate needs some (let the sweep run longer)`,
    );
  }
  const measured = countMeasured(runs, long);

  const started = performance.now();
  let done: CompletedBenchmark;
  try {
    done = completeBenchmark(runs, long, protocol, options.completion);
  } catch (error) {
    throw new Error(
      `default-benchmark: cannot fit the surrogate on ${runs.length} measured runs and ${long.length} long values (${(error as Error).message}); let the sweep run longer or use fewer --folds`,
    );
  }
  const fitSeconds = (performance.now() - started) / 1000;

  const shortTimes = timings.filter((t) => t.schedule === 'short');
  // A long seed-study unit trains two long runs: the mean long run is over single long runs.
  const longTimes = timings.filter((t) => t.schedule === 'long' && t.purpose !== 'long-seeds');
  const recordedPassSeconds = sum(
    runs.map((r) => sum(r.trainSeconds) + sum(r.validSeconds) + sum(r.testSeconds)),
  );
  const createdAt = new Date().toISOString();
  const provenance = {
    source: `the project's own reduced benchmark: ${runs.length} runs and ${long.length} long values trained by @nashpobench2/trainer (tools/default-benchmark plan v${DEFAULT_BENCHMARK_VERSION}) on a JPEG-derived CIFAR-10 copy, the other configurations predicted by @nashpobench2/surrogate`,
    createdAt,
    tool: '@nashpobench2/tools default-benchmark assemble',
    defaultBenchmarkVersion: DEFAULT_BENCHMARK_VERSION,
    trainedWith: parts.metadata.provenance,
    measured,
    cpuSeconds: sum(timings.map((t) => t.cpuSeconds)),
    timeUnit:
      'process CPU seconds of each pass (one WASM thread); runs without per-pass CPU seconds were scaled by their CPU/wall ratio' +
      (generation.modeled > 0
        ? `; ${generation.modeled} runs outside the reference period (older, slower trainers; another machine) are charged the cost model's seconds for the reference trainer`
        : ''),
    cpuSecondsRecorded: charged.recorded,
    cpuSecondsScaled: charged.scaled,
    costReference: costReference
      ? {
          ...costReference,
          referenceRuns: generation.reference,
          modeledRuns: generation.modeled,
        }
      : undefined,
    surrogate: { file: SURROGATE_FILE, fitSeconds, options: options.completion ?? {} },
    compact: options.compact ?? false,
    command: options.command,
  };
  const metadata: BenchmarkMetadata = { formatVersion: FORMAT_VERSION, protocol, provenance };
  const stored = options.compact
    ? compactPredictedValues(done.runs, done.long, protocol)
    : { runs: done.runs, long: done.long };
  const problems = rangeProblems(stored.runs, stored.long);
  if (problems.length > 0) {
    throw new Error(
      `default-benchmark: ${problems.length} values outside their physical range, e.g. ${problems.slice(0, 3).join('; ')}`,
    );
  }

  const completed = Benchmark.fromRecords(stored.runs, stored.long, metadata);
  const benchmarkPath = join(options.out, BENCHMARK_FILE);
  await writeBenchmarkFile(benchmarkPath, completed, {
    ...(options.codec ? { codec: options.codec } : {}),
    // Compact accuracies lie on a grid of at most 5,001 values: dictionary encoding halves them.
    ...(options.compact
      ? { dictionarySeries: ['accuracy', 'accuracy_std', 'seconds_std'] as const }
      : {}),
  });
  const validation = await validateBenchmarkPath(benchmarkPath, { complete: true });
  if (!validation.ok) {
    throw new Error(
      `default-benchmark: the completed file does not validate: ${validation.errors.slice(0, 5).join('; ')}`,
    );
  }

  const bundle = BenchmarkSurrogate.fromFit(
    done.short,
    done.longFit,
    protocol,
    {
      source: provenance.source,
      createdAt,
      tool: provenance.tool,
      synthetic: runs.every((run) => run.backend === 'synthetic'),
      measuredRuns: runs.length,
      measuredLong: long.length,
      fitSeconds,
    },
    { costModel: done.costModel, secondsReport: done.secondsReport },
  );
  const surrogatePath = join(options.out, SURROGATE_FILE);
  await saveBenchmarkSurrogate(surrogatePath, bundle);

  // Spread of the predicted final valid accuracy: field 'validAccuracy' at the last epoch.
  const epochs = protocol.shortEpochs;
  const width = done.curveMean.length / done.shortMeasured.length;
  const validField = CURVE_FIELDS.indexOf('validAccuracy');
  const finalValidStd: number[] = [];
  done.shortMeasured.forEach((isMeasured, ordinal) => {
    if (!isMeasured)
      finalValidStd.push(done.curveStd[ordinal * width + validField * epochs + epochs - 1]);
  });

  const summary: AssembleSummary = {
    version: DEFAULT_BENCHMARK_VERSION,
    createdAt,
    protocol: {
      name: protocol.name,
      version: protocol.version,
      shortEpochs: protocol.shortEpochs,
      longEpochs: protocol.longEpochs,
    },
    files: {
      benchmark: benchmarkPath,
      bytes: (await stat(benchmarkPath)).size,
      surrogate: surrogatePath,
      surrogateBytes: (await stat(surrogatePath)).size,
    },
    measured,
    seedNoise: seedNoise(runs, long),
    completed: {
      runs: done.runs.length,
      measuredRuns: done.runs.filter((r) => r.measured).length,
      longValues: done.long.length,
      measuredLong: done.long.filter((r) => r.measured).length,
      configurations: CELL_CLASS_COUNT * HYPERPARAMETER_PAIR_COUNT,
      medianFinalValidStd: median(finalValidStd),
      medianLongStd: median(done.long.filter((r) => !r.measured).map((r) => r.testAccuracyStd)),
    },
    cost: {
      timedRuns: timings.length,
      wallSeconds: sum(timings.map((t) => t.wallSeconds)),
      cpuSeconds: sum(timings.map((t) => t.cpuSeconds)),
      meanShortWallSeconds: mean(shortTimes.map((t) => t.wallSeconds)),
      meanShortCpuSeconds: mean(shortTimes.map((t) => t.cpuSeconds)),
      meanLongWallSeconds: mean(longTimes.map((t) => t.wallSeconds)),
      meanLongCpuSeconds: mean(longTimes.map((t) => t.cpuSeconds)),
      recordedPassSeconds,
      cpuRecordedRuns: charged.recorded,
      cpuScaledRuns: charged.scaled,
      costReferenceRuns: generation.reference,
      costModeledRuns: generation.modeled,
    },
    fitSeconds,
    reports: done.reports,
    seconds: done.secondsReport,
    validation: { ok: validation.ok, errors: validation.errors, warnings: validation.warnings },
  };
  await writeFileAtomic(
    join(options.out, SUMMARY_JSON),
    new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`),
  );
  await writeFileAtomic(
    join(options.out, SUMMARY_MARKDOWN),
    new TextEncoder().encode(summaryMarkdown(summary)),
  );
  return summary;
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

function seedNoiseLines(noise: SeedNoise | undefined, epochs: number): string[] {
  if (!noise) return [];
  return [
    '',
    '## Seed noise (measured)',
    '',
    'Sample std over seeds 222, 555 and 888 of one configuration, in percentage points: the median over configurations and the pooled value (root of the mean variance). No model can predict a single seed better than this.',
    '',
    '| value | configurations | median std | pooled std |',
    '| --- | --- | --- | --- |',
    `| final (epoch ${epochs}) valid accuracy | ${noise.short.configurations} | ${fixed(noise.short.medianValidStd, 2)} | ${fixed(noise.short.pooledValidStd, 2)} |`,
    `| final (epoch ${epochs}) test accuracy | ${noise.short.configurations} | ${fixed(noise.short.medianTestStd, 2)} | ${fixed(noise.short.pooledTestStd, 2)} |`,
    `| long test accuracy | ${noise.long.configurations} | ${fixed(noise.long.medianStd, 2)} | ${fixed(noise.long.pooledStd, 2)} |`,
  ];
}

/** The summary as Markdown: what was measured, its cost, and the held-out tables. */
export function summaryMarkdown(s: AssembleSummary): string {
  const m = s.measured;
  const lines = [
    `# Default benchmark v${s.version} (${s.createdAt})`,
    '',
    `Protocol \`${s.protocol.name}\` v${String(s.protocol.version)}: ${s.protocol.shortEpochs} epochs short, ${s.protocol.longEpochs} long.`,
    '',
    '## Measured',
    '',
    '| what | count |',
    '| --- | --- |',
    `| short runs (all seeds) | ${m.shortRuns} |`,
    `| grid runs of the spanning cells | ${m.byPurpose.grid} (${m.completeGridCells} cells with all 48 pairs) |`,
    `| space-filling runs | ${m.byPurpose['space-filling']} |`,
    `| seed-study runs (seeds 555, 888) | ${m.byPurpose.seeds} (${m.threeSeedConfigurations} configurations with 3 seeds) |`,
    `| long values | ${m.longValues} (${m.threeSeedLongValues} the mean over 3 seeds) |`,
    `| classes with a measurement | ${m.classes} of ${CELL_CLASS_COUNT} |`,
    `| runs outside the plan | ${m.outsidePlan} |`,
    ...seedNoiseLines(s.seedNoise, s.protocol.shortEpochs),
    '',
    '## Cost',
    '',
    `${s.cost.timedRuns} timed runs: ${fixed(s.cost.wallSeconds / 3600, 2)} h wall and ${fixed(s.cost.cpuSeconds / 3600, 2)} h CPU summed over runs; mean short run ${fixed(s.cost.meanShortWallSeconds, 0)} s wall / ${fixed(s.cost.meanShortCpuSeconds, 0)} s CPU, mean long run ${fixed(s.cost.meanLongWallSeconds, 0)} s wall / ${fixed(s.cost.meanLongCpuSeconds, 0)} s CPU. Pass CPU seconds charged by the benchmark: ${fixed(s.cost.recordedPassSeconds / 3600, 2)} h (${s.cost.cpuRecordedRuns} runs recorded them per pass, ${s.cost.cpuScaledRuns} older runs scaled from wall seconds; ${s.cost.costReferenceRuns} runs by the reference trainer are charged as measured, ${s.cost.costModeledRuns} runs outside the reference period (older, slower trainers; another machine) are charged the cost model's seconds). Surrogate fit and completion: ${fixed(s.fitSeconds, 0)} s.`,
    '',
    '## Completed file',
    '',
    `\`${s.files.benchmark}\`: ${fixed(s.files.bytes / 1e6, 2)} MB; ${s.completed.runs} runs (${s.completed.measuredRuns} measured), ${s.completed.longValues} long values (${s.completed.measuredLong} measured); median predicted spread: final valid accuracy ${fixed(s.completed.medianFinalValidStd, 2)} pp, long accuracy ${fixed(s.completed.medianLongStd, 2)} pp. Surrogate: \`${s.files.surrogate}\` (${fixed(s.files.surrogateBytes / 1e6, 2)} MB). Validation: ${s.validation.ok ? 'ok' : 'FAILED'}${s.validation.warnings.length ? ` (${s.validation.warnings.length} warnings)` : ''}.`,
    '',
    '## Held-out quality (folds grouped by class)',
  ];
  for (const report of s.reports) {
    lines.push(
      '',
      `### ${report.target}: ${report.rows} configurations, ${report.groups} classes, ${report.folds} folds; headline ${report.headline}; chosen ${report.chosen}`,
      '',
      report.description,
      '',
      '| model | R² | τ | ρ | MAE | top-10% recall | cov50 raw→cal | cov90 raw→cal |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const model of report.models) {
      const h = model.headline;
      const c = model.headlineCalibrated;
      lines.push(
        `| ${model.model} | ${fixed(h.r2, 3)} | ${fixed(h.kendallTau, 3)} | ${fixed(h.spearmanRho, 3)} | ${fixed(h.mae, 2)} | ${fixed(h.top10Recall, 2)} | ${fixed(h.coverage50, 2)}→${fixed(c.coverage50, 2)} | ${fixed(h.coverage90, 2)}→${fixed(c.coverage90, 2)} |`,
      );
    }
  }
  const sec = s.seconds;
  if (sec) {
    lines.push(
      '',
      `### seconds per pass: cost model vs curve model (${sec.curveModel}); ${sec.rows} configurations, ${sec.groups} classes, ${sec.folds} folds, mean over epochs`,
      '',
      '| pass | R² cost / curve | τ cost / curve | MAE s cost / curve | used |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const mode of ['train', 'valid', 'test'] as const) {
      const m = sec.modes[mode];
      lines.push(
        `| ${mode} | ${fixed(m.costR2, 3)} / ${fixed(m.curveR2, 3)} | ${fixed(m.costKendallTau, 3)} / ${fixed(m.curveKendallTau, 3)} | ${fixed(m.costMae, 3)} / ${fixed(m.curveMae, 3)} | ${m.used} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

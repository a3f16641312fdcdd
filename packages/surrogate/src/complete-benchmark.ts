import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  cellClasses,
  HYPERPARAMETER_PAIR_COUNT,
  LEARNING_RATES,
  networkCost,
} from '@nashpobench2/search-space';
import { extractFeatures } from './features.js';
import {
  fitLongSurrogate,
  fitShortSurrogate,
  type LongFit,
  predictedCurveModel,
  type ShortFit,
} from './long-surrogate.js';
import type { PipelineOptions, TargetReport } from './pipeline.js';
import { type LongRecord, type ProtocolLike, protocolShape, type RunRecord } from './records.js';
import { CURVE_FIELDS, configurationKey, curveInputOf } from './run-summary.js';
import { perSeedValue, seedDeviate } from './seed-noise.js';
import type { Surrogate } from './surrogate.js';

/** Options of `completeBenchmark`. */
export interface CompletionOptions extends PipelineOptions {
  /** Evaluate the cascade (held-out curves predicted) for the long target; default true. */
  readonly cascade?: boolean;
}

/** A benchmark completed for every (class, lr, batch size), with the models and tables behind it. */
export interface CompletedBenchmark {
  /**
   * One run per class × pair × seed (the protocol's and any measured one): measured runs as given,
   * the rest predicted (`measured: false`) with their predicted spreads (`trainAccuracyStd`...,
   * `testSecondsStd`: the configuration's `curveStd`, the same for each of its seeds, 0 where its
   * seed mean was measured). The seeds of one configuration share those spread arrays.
   */
  readonly runs: RunRecord[];
  /** One long value per class × pair: measured as given, the rest predicted with their predictive std. */
  readonly long: LongRecord[];
  /**
   * Mean curves per configuration, 48,528 × (9 fields × epochs), in configuration order
   * (classId × 48 + lr index × 6 + batch-size index): measured means where measured, else predicted.
   */
  readonly curveMean: Float64Array;
  /** Predictive std of the same values; 0 where the configuration's mean curve was measured. */
  readonly curveStd: Float64Array;
  /** Whether each configuration has measured short runs (configuration order). */
  readonly shortMeasured: Uint8Array;
  /** The short-curve surrogate and its table. */
  readonly short: ShortFit;
  /** The long surrogates and their tables. */
  readonly longFit: LongFit;
  /** Every held-out table, short first. */
  readonly reports: TargetReport[];
}

/** Ordinal of a (class, lr, batch size) in completion order: classId × 48 + lr index × 6 + batch index. */
export function configurationOrdinal(classId: number, lr: number, batchSize: number): number {
  return (
    classId * HYPERPARAMETER_PAIR_COUNT +
    LEARNING_RATES.indexOf(lr) * BATCH_SIZES.length +
    BATCH_SIZES.indexOf(batchSize)
  );
}

interface Slot {
  readonly classId: number;
  readonly cellCode: string;
  readonly lr: number;
  readonly batchSize: number;
  readonly key: string;
}

function allSlots(summaryCodes: Map<number, string>): Slot[] {
  const classes = cellClasses();
  const slots: Slot[] = [];
  for (let classId = 0; classId < CELL_CLASS_COUNT; classId++) {
    const cellCode = summaryCodes.get(classId) ?? classes[classId].representative;
    for (const lr of LEARNING_RATES) {
      for (const batchSize of BATCH_SIZES) {
        slots.push({
          classId,
          cellCode,
          lr,
          batchSize,
          key: configurationKey(classId, lr, batchSize),
        });
      }
    }
  }
  return slots;
}

/**
 * Fits the short and long surrogates on measured runs and long values (with held-out tables),
 * then completes the benchmark: every one of the 48,528 configurations gets per-seed 12-epoch
 * runs and a long-training value, measured ones kept and marked, the rest predicted, clipped to
 * physical ranges (accuracy in [0, 100], losses and seconds > 0), with consistent seed noise.
 */
export function completeBenchmark(
  runs: Iterable<RunRecord>,
  long: Iterable<LongRecord>,
  protocol: ProtocolLike,
  options: CompletionOptions = {},
): CompletedBenchmark {
  const runList = [...runs];
  const longList = [...long];
  const epochs = protocol.shortEpochs;
  const width = CURVE_FIELDS.length * epochs;
  const short = fitShortSurrogate(runList, protocol, options);
  const longFit = fitLongSurrogate(runList, longList, protocol, {
    ...options,
    short: options.cascade === false ? undefined : short,
  });

  const codes = new Map<number, string>();
  for (const s of short.summaries.values()) codes.set(s.classId, s.cellCode);
  const slots = allSlots(codes);
  const curveMean = new Float64Array(slots.length * width);
  const curveStd = new Float64Array(slots.length * width);
  const shortMeasured = new Uint8Array(slots.length);

  // Mean curves: measured where there are runs, else the short surrogate's prediction.
  const missing = slots
    .map((slot, ordinal) => ({ slot, ordinal }))
    .filter(({ slot }) => !short.summaries.has(slot.key));
  const shortSchema = short.surrogate.featureSchema;
  const chunk = 4096;
  for (let start = 0; start < missing.length; start += chunk) {
    const part = missing.slice(start, start + chunk);
    const prediction = short.surrogate.predict(
      part.map(({ slot }) => extractFeatures(shortSchema, slot)),
    );
    part.forEach(({ ordinal }, k) => {
      curveMean.set(prediction.mean[k], ordinal * width);
      curveStd.set(prediction.std[k], ordinal * width);
    });
    options.onProgress?.({
      stage: 'completing short curves',
      done: start + part.length,
      total: missing.length,
    });
  }
  slots.forEach((slot, ordinal) => {
    const summary = short.summaries.get(slot.key);
    if (!summary) return;
    curveMean.set(summary.meanCurves, ordinal * width);
    shortMeasured[ordinal] = 1;
  });

  const completedRuns = completeRuns(slots, runList, curveMean, curveStd, short, protocol);
  const completedLong = completeLong(
    slots,
    longList,
    curveMean,
    shortMeasured,
    longFit,
    epochs,
    width,
    options,
  );
  const reports = [
    short.report,
    longFit.withCurve?.report,
    longFit.cascade,
    longFit.architectureOnly.report,
  ].filter((r): r is TargetReport => r !== undefined);
  return {
    runs: completedRuns,
    long: completedLong,
    curveMean,
    curveStd,
    shortMeasured,
    short,
    longFit,
    reports,
  };
}

/** Run-record fields of the predicted spreads and the `CURVE_FIELDS` entry each one is the std of. */
const SPREAD_FIELDS = [
  ['trainAccuracyStd', 'trainAccuracy'],
  ['validAccuracyStd', 'validAccuracy'],
  ['testAccuracyStd', 'testAccuracy'],
  ['trainSecondsStd', 'trainSeconds'],
  ['validSecondsStd', 'validSeconds'],
  ['testSecondsStd', 'testSeconds'],
] as const;

type SpreadField = (typeof SPREAD_FIELDS)[number][0];

function completeRuns(
  slots: Slot[],
  measured: RunRecord[],
  curveMean: Float64Array,
  curveStd: Float64Array,
  short: ShortFit,
  protocol: ProtocolLike,
): RunRecord[] {
  const epochs = protocol.shortEpochs;
  const width = CURVE_FIELDS.length * epochs;
  const bySeed = new Map<string, RunRecord>();
  for (const run of measured)
    if (run.measured)
      bySeed.set(`${configurationKey(run.classId, run.lr, run.batchSize)}/${run.seed}`, run);
  // Seeds of the protocol plus any seed that was measured, so no measured run is dropped.
  const seeds = [...new Set([...protocol.seeds, ...measuredSeeds(measured)])].sort((a, b) => a - b);
  const noise = short.surrogate.parts.seedNoise;
  const shape = protocolShape(protocol);
  const costs = new Map<string, { parameters: number; flops: number }>();
  const result: RunRecord[] = [];

  slots.forEach((slot, ordinal) => {
    // Predictive std of the seed-mean curves (0 where measured): shared by the configuration's
    // predicted seeds, since it is the uncertainty of their common center, not seed noise.
    let spreads: Record<SpreadField, number[]> | undefined;
    const spreadsOf = () => {
      spreads ??= Object.fromEntries(
        SPREAD_FIELDS.map(([name, field]) => {
          const start = ordinal * width + CURVE_FIELDS.indexOf(field) * epochs;
          return [name, Array.from(curveStd.subarray(start, start + epochs))];
        }),
      ) as Record<SpreadField, number[]>;
      return spreads;
    };
    let cost = costs.get(slot.cellCode);
    if (!cost) {
      cost = networkCost(slot.cellCode, shape);
      costs.set(slot.cellCode, cost);
    }
    for (const seed of seeds) {
      const run = bySeed.get(`${slot.key}/${seed}`);
      if (run) {
        result.push(run);
        continue;
      }
      const fields = CURVE_FIELDS.map((field, f) => {
        // One deviate per (configuration, seed, field): the seed shifts a whole curve coherently.
        const z = seedDeviate(ordinal, seed, field);
        return Array.from({ length: epochs }, (_, e) => {
          const j = f * epochs + e;
          const center = curveMean[ordinal * width + j];
          return noise ? perSeedValue(noise, j, center, z) : center;
        });
      });
      const record = Object.fromEntries(CURVE_FIELDS.map((field, f) => [field, fields[f]]));
      result.push({
        cellCode: slot.cellCode,
        classId: slot.classId,
        lr: slot.lr,
        batchSize: slot.batchSize,
        seed,
        ...(record as Pick<RunRecord, (typeof CURVE_FIELDS)[number]>),
        ...spreadsOf(),
        parameters: cost.parameters,
        flops: cost.flops,
        measured: false,
        backend: 'surrogate',
      });
    }
  });
  return result;
}

function measuredSeeds(runs: readonly RunRecord[]): number[] {
  return runs.filter((run) => run.measured).map((run) => run.seed);
}

function completeLong(
  slots: Slot[],
  measured: LongRecord[],
  curveMean: Float64Array,
  shortMeasured: Uint8Array,
  longFit: LongFit,
  epochs: number,
  width: number,
  options: CompletionOptions,
): LongRecord[] {
  const known = new Map<string, LongRecord>();
  for (const record of measured)
    if (record.measured)
      known.set(configurationKey(record.classId, record.lr, record.batchSize), record);
  // Measured curve: the curve model as calibrated on measured curves. Predicted curve: the
  // cascade-calibrated curve model or the architecture-only model (see predictedCurveModel).
  const forPredictedCurve = predictedCurveModel(longFit).surrogate;
  const modelOf = (ordinal: number) =>
    shortMeasured[ordinal] && longFit.withCurve ? longFit.withCurve.surrogate : forPredictedCurve;
  const todo = slots
    .map((slot, ordinal) => ({ slot, ordinal }))
    .filter(({ slot }) => !known.has(slot.key));
  const predicted = new Map<number, { mean: number; std: number }>();
  const chunk = 4096;
  for (const model of new Set(todo.map(({ ordinal }) => modelOf(ordinal)))) {
    const mine = todo.filter(({ ordinal }) => modelOf(ordinal) === model);
    predictLongChunks(model, mine, curveMean, epochs, width, chunk, predicted, options);
  }
  return slots.map((slot, ordinal) => {
    const record = known.get(slot.key);
    if (record) return record;
    const value = predicted.get(ordinal) ?? { mean: Number.NaN, std: Number.NaN };
    return {
      cellCode: slot.cellCode,
      classId: slot.classId,
      lr: slot.lr,
      batchSize: slot.batchSize,
      testAccuracy: value.mean,
      testAccuracyStd: value.std,
      measured: false,
    };
  });
}

function predictLongChunks(
  model: Surrogate,
  todo: { slot: Slot; ordinal: number }[],
  curveMean: Float64Array,
  epochs: number,
  width: number,
  chunk: number,
  predicted: Map<number, { mean: number; std: number }>,
  options: CompletionOptions,
): void {
  const schema = model.featureSchema;
  for (let start = 0; start < todo.length; start += chunk) {
    const part = todo.slice(start, start + chunk);
    const rows = part.map(({ slot, ordinal }) => {
      const curve = curveInputOf(
        curveMean.subarray(ordinal * width, (ordinal + 1) * width),
        epochs,
      );
      return extractFeatures(schema, { ...slot, curve });
    });
    const prediction = model.predict(rows);
    part.forEach(({ ordinal }, k) => {
      predicted.set(ordinal, { mean: prediction.mean[k][0], std: prediction.std[k][0] });
    });
    options.onProgress?.({
      stage: 'completing long values',
      done: start + part.length,
      total: todo.length,
    });
  }
}

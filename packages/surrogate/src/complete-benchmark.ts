import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  cellClasses,
  HYPERPARAMETER_PAIR_COUNT,
  InvalidArgumentError,
  LEARNING_RATES,
  networkCost,
} from '@nashpobench2/search-space';
import {
  COST_FIELDS,
  COST_MODES,
  type CostMode,
  CostModel,
  type CostRow,
  crossValidateCost,
} from './cost-model.js';
import { extractFeatures } from './features.js';
import {
  fitLongSurrogate,
  fitShortSurrogate,
  type LongFit,
  predictedCurveModel,
  type ShortFit,
} from './long-surrogate.js';
import type { RegressionMetrics } from './metrics.js';
import type { PipelineOptions, TargetReport } from './pipeline.js';
import { type LongRecord, type ProtocolLike, protocolShape, type RunRecord } from './records.js';
import {
  type ConfigurationRuns,
  CURVE_FIELDS,
  type CurveField,
  configurationKey,
  curveInputOf,
} from './run-summary.js';
import { perSeedValue, seedDeviate } from './seed-noise.js';
import type { ModelKind, Surrogate } from './surrogate.js';

/** Options of `completeBenchmark`. */
export interface CompletionOptions extends PipelineOptions {
  /** Evaluate the cascade (held-out curves predicted) for the long target; default true. */
  readonly cascade?: boolean;
  /**
   * Source of the per-pass seconds of predicted configurations: 'auto' (default) the cost model
   * for a pass when its held-out R² (mean over epochs) beats the curve model's, 'cost' always,
   * 'curve' never (the curve surrogate's seconds).
   */
  readonly seconds?: 'auto' | 'cost' | 'curve';
}

/** Held-out metrics of one seconds output for the cost model and for the curve model. */
export interface SecondsOutputComparison {
  /** Output name, e.g. 'trainSeconds@1'. */
  readonly name: string;
  /** Cost model, out-of-fold (same grouped folds as the curve model). */
  readonly cost: RegressionMetrics;
  /** The curve model's chosen model on the same output (raw spread). */
  readonly curve: RegressionMetrics;
}

/** Per pass: mean over epochs of the held-out metrics, and which model predicts the seconds. */
export interface SecondsModeComparison {
  /** Mean R² over the epochs: cost model, curve model. */
  readonly costR2: number;
  readonly curveR2: number;
  /** Mean Kendall τ over the epochs. */
  readonly costKendallTau: number;
  readonly curveKendallTau: number;
  /** Mean MAE over the epochs, seconds. */
  readonly costMae: number;
  readonly curveMae: number;
  /** Model whose seconds the predicted configurations carry for this pass. */
  readonly used: 'cost' | 'curve';
}

/** The cost model's held-out table beside the curve model's seconds outputs. */
export interface SecondsReport {
  /** 'seconds (cost model vs curve model)'. */
  readonly target: string;
  /** What was compared, one sentence. */
  readonly description: string;
  /** Configurations, classes and grouped folds of the evaluation (those of the curve model's table). */
  readonly rows: number;
  readonly groups: number;
  readonly folds: number;
  /** The curve model's chosen model kind. */
  readonly curveModel: ModelKind;
  /** The `seconds` option the choice was made under. */
  readonly rule: 'auto' | 'cost' | 'curve';
  /** Per pass (train, valid, test). */
  readonly modes: Readonly<Record<CostMode, SecondsModeComparison>>;
  /** Every seconds output, epoch by epoch. */
  readonly outputs: SecondsOutputComparison[];
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
  /**
   * The per-pass cost model fitted on all measured configurations (spread: held-out residual
   * RMS); the predicted configurations' seconds of the passes `secondsReport.modes[m].used ===
   * 'cost'` are its `predict` (no seed noise: the seeds of a configuration share them).
   */
  readonly costModel: CostModel;
  /** Held-out table of the cost model vs the curve model's seconds, and which one was used. */
  readonly secondsReport: SecondsReport;
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
  const rule = options.seconds ?? 'auto';
  if (rule !== 'auto' && rule !== 'cost' && rule !== 'curve') {
    throw new InvalidArgumentError('surrogate', 'seconds', rule, 'auto, cost, curve');
  }
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

  // Seconds: the physical cost model replaces the curve model's for the passes where it did
  // better held out; measured means stay.
  const { costModel, secondsReport } = fitCostModel(short, protocol, options);
  const costFields = new Set<CurveField>();
  for (const mode of COST_MODES) {
    if (secondsReport.modes[mode].used !== 'cost') continue;
    const field = COST_FIELDS[mode];
    costFields.add(field);
    const offset = CURVE_FIELDS.indexOf(field) * epochs;
    const spread = costModel.modes[mode].spread;
    for (const { slot, ordinal } of missing) {
      const start = ordinal * width + offset;
      curveMean.set(costModel.predict(slot.cellCode, slot.batchSize, mode), start);
      curveStd.set(spread, start);
    }
  }

  const completedRuns = completeRuns(
    slots,
    runList,
    curveMean,
    curveStd,
    short,
    protocol,
    costFields,
  );
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
    costModel,
    secondsReport,
  };
}

/** The protocol's fixed evaluation batch size (a trainer protocol's `evalBatchSize`), or null. */
function evalBatchSizeOf(protocol: ProtocolLike): number | null {
  const value = (protocol as { evalBatchSize?: unknown }).evalBatchSize;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : null;
}

/** Cost rows of the measured configurations, in the short fit's row order (so folds match). */
function costRowsOf(summaries: Iterable<ConfigurationRuns>, epochs: number): CostRow[] {
  return [...summaries].map((s) => {
    const block = (field: CurveField) => {
      const start = CURVE_FIELDS.indexOf(field) * epochs;
      return s.meanCurves.subarray(start, start + epochs);
    };
    return {
      cellCode: s.cellCode,
      classId: s.classId,
      batchSize: s.batchSize,
      seconds: {
        train: block('trainSeconds'),
        valid: block('validSeconds'),
        test: block('testSeconds'),
      },
    };
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Fits the cost model on the measured configurations, evaluates it on the curve model's grouped
 * folds, and decides per pass which model's seconds the predicted configurations carry.
 */
function fitCostModel(
  short: ShortFit,
  protocol: ProtocolLike,
  options: CompletionOptions,
): { costModel: CostModel; secondsReport: SecondsReport } {
  const rule = options.seconds ?? 'auto';
  const epochs = protocol.shortEpochs;
  // A configuration whose recorded seconds are not all finite and > 0 cannot inform a cost; with
  // none such (the normal case) the rows and so the folds are exactly the curve model's.
  const rows = costRowsOf(short.summaries.values(), epochs).filter((row) =>
    COST_MODES.every((mode) => Array.from(row.seconds[mode]).every((v) => v > 0 && v < Infinity)),
  );
  const costOptions = { shape: protocolShape(protocol), evalBatchSize: evalBatchSizeOf(protocol) };
  options.onProgress?.({ stage: 'seconds: cross-validating cost model', done: 0, total: 1 });
  const evaluation = crossValidateCost(rows, {
    ...costOptions,
    folds: options.folds,
    seed: options.seed,
  });
  const costModel = CostModel.fit(rows, costOptions).withSpread(evaluation.spread);
  options.onProgress?.({ stage: 'seconds: cross-validating cost model', done: 1, total: 1 });

  const chosen = short.report.models.find((m) => m.model === short.report.chosen);
  const curveByName = new Map(chosen?.outputs.map((o) => [o.name, o.raw]));
  const outputs: SecondsOutputComparison[] = evaluation.outputs.map((o) => ({
    name: o.name,
    cost: o.metrics,
    curve: curveByName.get(o.name) as RegressionMetrics,
  }));
  const modes = {} as Record<CostMode, SecondsModeComparison>;
  for (const mode of COST_MODES) {
    const mine = outputs.filter((o) => o.name.startsWith(`${COST_FIELDS[mode]}@`));
    const costR2 = mean(mine.map((o) => o.cost.r2));
    const curveR2 = mean(mine.map((o) => o.curve?.r2 ?? Number.NaN));
    // NaN (constant truth) on either side: keep the curve model unless told otherwise.
    const better = costR2 > curveR2 || (Number.isNaN(curveR2) && !Number.isNaN(costR2));
    modes[mode] = {
      costR2,
      curveR2,
      costKendallTau: mean(mine.map((o) => o.cost.kendallTau)),
      curveKendallTau: mean(mine.map((o) => o.curve?.kendallTau ?? Number.NaN)),
      costMae: mean(mine.map((o) => o.cost.mae)),
      curveMae: mean(mine.map((o) => o.curve?.mae ?? Number.NaN)),
      used: rule === 'cost' || (rule === 'auto' && better) ? 'cost' : 'curve',
    };
  }
  const secondsReport: SecondsReport = {
    target: 'seconds (cost model vs curve model)',
    description: `per-pass seconds of ${epochs} epochs: linear cost model of FLOPs, backward-live FLOPs, batch size and pooling edges (${costOptions.evalBatchSize === null ? 'evaluation at the training batch size' : `evaluation at batch size ${costOptions.evalBatchSize}`}) × epoch profile vs the ${short.report.chosen} curve model, same grouped folds`,
    rows: evaluation.rows,
    groups: evaluation.groups,
    folds: evaluation.folds,
    curveModel: short.report.chosen,
    rule,
    modes,
    outputs,
  };
  return { costModel, secondsReport };
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
  noiseFree: ReadonlySet<CurveField>,
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
        // Seconds from the cost model carry no seed noise: a pass's cost does not depend on the
        // seed, so the seeds of a configuration share them.
        const z = seedDeviate(ordinal, seed, field);
        const seeded = noise && !noiseFree.has(field);
        return Array.from({ length: epochs }, (_, e) => {
          const j = f * epochs + e;
          const center = curveMean[ordinal * width + j];
          return seeded ? perSeedValue(noise, j, center, z) : center;
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

import { InvalidArgumentError } from '@nashpobench2/search-space';
import { type CrossValidationResult, crossValidate } from './cross-validate.js';
import type { FeatureSchema } from './features.js';
import type { RegressionMetrics } from './metrics.js';
import type { EnsembleOptions } from './mlp-ensemble.js';
import { fitSurrogate, MODEL_KINDS, type ModelKind, type Surrogate } from './surrogate.js';
import type { TargetSpec } from './target-spec.js';

/** Progress of a long fitting pipeline. */
export interface PipelineProgress {
  /** What is running, e.g. 'long: cross-validating ensemble'. */
  readonly stage: string;
  /** Units finished in this stage. */
  readonly done: number;
  /** Units in this stage. */
  readonly total: number;
}

/** Options shared by the fitting pipelines. */
export interface PipelineOptions {
  /** Models compared by cross-validation; default all of `MODEL_KINDS` (ensemble, ridge, knn, committee). */
  readonly models?: readonly ModelKind[];
  /** Model fitted for use: a kind, or 'auto' for the best held-out Kendall τ on the headline output; default 'auto'. */
  readonly model?: ModelKind | 'auto';
  /** Outer grouped folds, integer ≥ 2; default 5. */
  readonly folds?: number;
  /** Seed of splits and fits, integer; default 0. */
  readonly seed?: number;
  /** Ensemble training options. */
  readonly ensemble?: EnsembleOptions;
  /** Progress callback. */
  readonly onProgress?: (progress: PipelineProgress) => void;
}

/** Held-out quality of one model on one target. */
export interface ModelReport {
  /** Model family. */
  readonly model: ModelKind;
  /** Seconds spent cross-validating it. */
  readonly seconds: number;
  /** Metrics of the headline output, raw spread. */
  readonly headline: RegressionMetrics;
  /** Metrics of the headline output with out-of-fold calibrated spread. */
  readonly headlineCalibrated: RegressionMetrics;
  /** Metrics of every output: name, raw and calibrated. */
  readonly outputs: { name: string; raw: RegressionMetrics; calibrated: RegressionMetrics }[];
}

/** The held-out table of one target (what `nhb surrogate eval` prints). */
export interface TargetReport {
  /** Target name, e.g. 'long' or 'short'. */
  readonly target: string;
  /** One sentence on what the rows are and what the features include. */
  readonly description: string;
  /** Rows (configurations) evaluated. */
  readonly rows: number;
  /** Distinct architecture classes. */
  readonly groups: number;
  /** Outer folds. */
  readonly folds: number;
  /** Name of the output the table headlines and models are chosen by. */
  readonly headline: string;
  /** One report per model compared. */
  readonly models: ModelReport[];
  /** Model fitted for use. */
  readonly chosen: ModelKind;
}

/** A fitted surrogate with the held-out report that justifies it. */
export interface FittedTarget {
  /** The final model, fitted on all rows, spread calibrated from held-out errors. */
  readonly surrogate: Surrogate;
  /** Its held-out table. */
  readonly report: TargetReport;
  /** Out-of-fold mean of the chosen model per row (physical units), in the inputs' row order. */
  readonly outOfFoldMean: readonly Float64Array[];
}

/** Inputs of `fitWithValidation`. */
export interface ValidationInputs {
  /** Target name for the report. */
  readonly target: string;
  /** Report description. */
  readonly description: string;
  /** Feature rows. */
  readonly features: readonly ArrayLike<number>[];
  /** Target rows, physical units. */
  readonly targets: readonly ArrayLike<number>[];
  /** Architecture class of each row. */
  readonly groups: readonly number[];
  /** Output specs. */
  readonly targetSpecs: readonly TargetSpec[];
  /** Feature schema stored in the model. */
  readonly featureSchema: FeatureSchema;
  /** Index of the headline output. */
  readonly headline: number;
}

/** Summarises a cross-validation into a target report, choosing the model by headline Kendall τ. */
export function reportOf(
  inputs: Pick<ValidationInputs, 'target' | 'description' | 'targetSpecs' | 'headline'>,
  result: CrossValidationResult,
  model: ModelKind | 'auto',
): TargetReport {
  const models = result.evaluations.map((evaluation) => ({
    model: evaluation.model,
    seconds: evaluation.seconds,
    headline: evaluation.metrics[inputs.headline],
    headlineCalibrated: evaluation.calibratedMetrics[inputs.headline],
    outputs: inputs.targetSpecs.map((spec, j) => ({
      name: spec.name,
      raw: evaluation.metrics[j],
      calibrated: evaluation.calibratedMetrics[j],
    })),
  }));
  const tau = (m: ModelReport) =>
    Number.isNaN(m.headline.kendallTau) ? -2 : m.headline.kendallTau;
  const best = models.reduce((a, b) => (tau(b) > tau(a) ? b : a));
  return {
    target: inputs.target,
    description: inputs.description,
    rows: result.rows,
    groups: result.groups,
    folds: result.folds,
    headline: inputs.targetSpecs[inputs.headline].name,
    models,
    chosen: model === 'auto' ? best.model : model,
  };
}

/** Cross-validates the candidate models, picks one, and fits it on all rows with calibrated spread. */
export function fitWithValidation(
  inputs: ValidationInputs,
  options: PipelineOptions = {},
): FittedTarget {
  const models = options.models ?? MODEL_KINDS;
  const wanted = options.model ?? 'auto';
  if (wanted !== 'auto' && !MODEL_KINDS.includes(wanted)) {
    throw new InvalidArgumentError('surrogate', 'model', wanted, `auto, ${MODEL_KINDS.join(', ')}`);
  }
  const candidates = wanted === 'auto' || models.includes(wanted) ? models : [...models, wanted];
  const totalFolds = candidates.length * Math.min(options.folds ?? 5, new Set(inputs.groups).size);
  let done = 0;
  const common = {
    features: inputs.features,
    targets: inputs.targets,
    groups: inputs.groups,
    targetSpecs: inputs.targetSpecs,
    featureSchema: inputs.featureSchema,
    ensemble: options.ensemble,
    seed: options.seed ?? 0,
  };
  const result = crossValidate({
    ...common,
    models: candidates,
    folds: options.folds ?? 5,
    onFold: ({ model }) => {
      done++;
      options.onProgress?.({
        stage: `${inputs.target}: cross-validating ${model}`,
        done,
        total: totalFolds,
      });
    },
  });
  const report = reportOf(inputs, result, wanted);
  options.onProgress?.({ stage: `${inputs.target}: fitting ${report.chosen}`, done: 0, total: 1 });
  const evaluation = result.evaluations.find((e) => e.model === report.chosen);
  const surrogate = fitSurrogate({ ...common, model: report.chosen }).with({
    stdScale: evaluation?.stdScale,
    metrics: report,
  });
  options.onProgress?.({ stage: `${inputs.target}: fitting ${report.chosen}`, done: 1, total: 1 });
  return { surrogate, report, outOfFoldMean: evaluation?.predictedMean ?? [] };
}

import { type Fold, foldsOf, groupedFoldAssignment } from './grouped-folds.js';
import { type RegressionMetrics, regressionMetrics } from './metrics.js';
import {
  COMMITTEE_MEMBERS,
  committeeOf,
  type FitSurrogateOptions,
  fitSurrogate,
  MODEL_KINDS,
  type ModelKind,
  type Surrogate,
} from './surrogate.js';
import { toModelSpace } from './target-spec.js';

/** Options of `crossValidate`: the fit's inputs plus the models and folds to compare. */
export interface CrossValidationOptions extends Omit<FitSurrogateOptions, 'model'> {
  /** Group (architecture class) of every row; no group is ever split between train and test. */
  readonly groups: ArrayLike<number | string>;
  /** Models to compare; default all of `MODEL_KINDS`. */
  readonly models?: readonly ModelKind[];
  /** Outer folds, integer ≥ 2 (fewer when there are fewer groups); default 5. */
  readonly folds?: number;
  /** Called after each fitted fold, for progress. */
  readonly onFold?: (info: { model: ModelKind; fold: number; folds: number }) => void;
  /**
   * Features each held-out row is predicted from, one per row of `features`; default `features`.
   * The models are always fitted on `features`: the long cascade predicts from rows whose curve
   * columns are themselves out-of-fold predictions.
   */
  readonly predictionFeatures?: readonly ArrayLike<number>[];
}

/** Held-out results of one model. */
export interface ModelEvaluation {
  /** Model family. */
  readonly model: ModelKind;
  /** Metrics per output with the raw predicted spread. */
  readonly metrics: RegressionMetrics[];
  /**
   * Metrics per output after spread calibration, where each fold's std scale is estimated from
   * the other folds' held-out errors only (so the coverage stays out of sample).
   */
  readonly calibratedMetrics: RegressionMetrics[];
  /** Std scale per output estimated from all held-out errors: what the final model should use. */
  readonly stdScale: number[];
  /** Out-of-fold mean per row and output, physical units. */
  readonly predictedMean: Float64Array[];
  /** Out-of-fold std per row and output (uncalibrated). */
  readonly predictedStd: Float64Array[];
  /** Wall-clock seconds of all folds' fits and predictions. */
  readonly seconds: number;
}

/** Result of grouped cross-validation. */
export interface CrossValidationResult {
  /** Rows evaluated. */
  readonly rows: number;
  /** Distinct groups. */
  readonly groups: number;
  /** Outer folds actually used. */
  readonly folds: number;
  /** Outer fold of every row. */
  readonly assignment: Int32Array;
  /** One evaluation per model, in the order asked. */
  readonly evaluations: ModelEvaluation[];
}

/**
 * Metrics of pooled out-of-fold predictions, raw and with each fold's spread scaled by the
 * calibration factor estimated on the other folds' held-out errors.
 */
export function evaluateOutOfFold(
  model: ModelKind,
  options: Pick<CrossValidationOptions, 'targets' | 'targetSpecs'>,
  folds: readonly Fold[],
  predictedMean: Float64Array[],
  predictedStd: Float64Array[],
  seconds: number,
): ModelEvaluation {
  const n = options.targets.length;
  const q = options.targets[0].length;
  const allRows = Array.from({ length: n }, (_, i) => i);
  const stdScale = Array.from({ length: q }, (_, j) =>
    rmsZ(options.targets, predictedMean, predictedStd, j, allRows, options),
  );
  const calibratedStd = predictedStd.map((row) => Float64Array.from(row));
  for (const fold of folds) {
    for (let j = 0; j < q; j++) {
      const scale = rmsZ(options.targets, predictedMean, predictedStd, j, fold.train, options);
      for (const row of fold.test) calibratedStd[row][j] *= scale;
    }
  }
  const metricsWith = (std: Float64Array[]) =>
    Array.from({ length: q }, (_, j) =>
      regressionMetrics(column(options.targets, j), column(predictedMean, j), column(std, j)),
    );
  return {
    model,
    metrics: metricsWith(predictedStd),
    calibratedMetrics: metricsWith(calibratedStd),
    stdScale,
    predictedMean,
    predictedStd,
    seconds,
  };
}

function column(rows: readonly ArrayLike<number>[], j: number, subset?: number[]): number[] {
  const indices = subset ?? rows.map((_, i) => i);
  return indices.map((i) => rows[i][j]);
}

/** RMS of standardised residuals (in model space) over the given rows: the factor that makes the spread honest. */
function rmsZ(
  truth: readonly ArrayLike<number>[],
  mean: Float64Array[],
  std: Float64Array[],
  j: number,
  rows: number[],
  options: Pick<CrossValidationOptions, 'targetSpecs'>,
): number {
  const spec = options.targetSpecs?.[j] ?? { name: `target${j}` };
  let sum = 0;
  let count = 0;
  for (const i of rows) {
    // Log outputs: compare on the log scale, where the Gaussian assumption was made.
    const isLog = spec.transform === 'log';
    const residual = isLog
      ? toModelSpace(spec, truth[i][j]) - toModelSpace(spec, mean[i][j])
      : truth[i][j] - mean[i][j];
    const sigma = isLog ? std[i][j] / Math.max(1e-12, mean[i][j]) : std[i][j];
    if (sigma > 0) {
      sum += (residual / sigma) ** 2;
      count++;
    }
  }
  return count > 0 ? Math.sqrt(sum / count) : 1;
}

/** The models in the order to evaluate them: a committee after the families it averages. */
export function evaluationOrder(models: readonly ModelKind[]): ModelKind[] {
  return [...models.filter((m) => m !== 'committee'), ...models.filter((m) => m === 'committee')];
}

/**
 * Per-fold fitted surrogates of one cross-validation: a committee whose members were fitted on
 * the same fold (same rows, options and seed) is assembled from them (`committeeOf`) instead of
 * fitted again, which gives the same model at no extra cost.
 */
export class FoldFits {
  private readonly byModel = new Map<ModelKind, Surrogate[]>();

  /** The fold's surrogate of `model`: assembled for a committee whose members exist, else `fit()`. */
  fit(model: ModelKind, fold: number, fit: () => Surrogate): Surrogate {
    const members = COMMITTEE_MEMBERS.map((kind) => this.byModel.get(kind)?.[fold]);
    const surrogate =
      model === 'committee' && members.every((m) => m !== undefined)
        ? committeeOf(members as Surrogate[])
        : fit();
    const list = this.byModel.get(model) ?? [];
    list[fold] = surrogate;
    this.byModel.set(model, list);
    return surrogate;
  }

  /** Seconds to report for `model`: a committee assembled from its members costs theirs too. */
  seconds(
    model: ModelKind,
    evaluated: ReadonlyMap<ModelKind, { readonly seconds: number }>,
    own: number,
  ): number {
    if (model !== 'committee' || !COMMITTEE_MEMBERS.every((kind) => evaluated.has(kind)))
      return own;
    return COMMITTEE_MEMBERS.reduce((sum, kind) => sum + (evaluated.get(kind)?.seconds ?? 0), own);
  }
}

/**
 * Grouped k-fold cross-validation of each model: fits on the other folds' groups, predicts the
 * held-out groups, and reports R², Kendall τ, Spearman ρ, MAE, top-10% recall and 50/90%
 * interval coverage per output on the pooled out-of-fold predictions.
 */
export function crossValidate(options: CrossValidationOptions): CrossValidationResult {
  const models = options.models ?? MODEL_KINDS;
  const assignment = groupedFoldAssignment(options.groups, options.folds ?? 5, options.seed ?? 0);
  const folds = foldsOf(assignment);
  const n = options.features.length;
  const predictFrom = options.predictionFeatures ?? options.features;
  if (predictFrom.length !== n) {
    throw new RangeError(
      `crossValidate: predictionFeatures has ${predictFrom.length} rows; allowed: one per row of features (${n})`,
    );
  }

  const fits = new FoldFits();
  const evaluated = new Map<ModelKind, ModelEvaluation>();
  for (const model of evaluationOrder(models)) {
    const started = performance.now();
    const predictedMean: Float64Array[] = new Array(n);
    const predictedStd: Float64Array[] = new Array(n);
    folds.forEach((fold, f) => {
      const surrogate = fits.fit(model, f, () =>
        fitSurrogate({
          ...options,
          model,
          features: fold.train.map((i) => options.features[i]),
          targets: fold.train.map((i) => options.targets[i]),
          groups: fold.train.map((i) => options.groups[i]),
          seed: (options.seed ?? 0) + f,
        }),
      );
      const prediction = surrogate.predict(fold.test.map((i) => predictFrom[i]));
      fold.test.forEach((row, k) => {
        predictedMean[row] = prediction.mean[k];
        predictedStd[row] = prediction.std[k];
      });
      options.onFold?.({ model, fold: f, folds: folds.length });
    });

    const seconds = fits.seconds(model, evaluated, (performance.now() - started) / 1000);
    evaluated.set(
      model,
      evaluateOutOfFold(model, options, folds, predictedMean, predictedStd, seconds),
    );
  }
  const evaluations = models.map((model) => evaluated.get(model) as ModelEvaluation);

  return {
    rows: n,
    groups: new Set(Array.from(options.groups)).size,
    folds: folds.length,
    assignment,
    evaluations,
  };
}

import { type Fold, foldsOf, groupedFoldAssignment } from './grouped-folds.js';
import { type RegressionMetrics, regressionMetrics } from './metrics.js';
import { type FitSurrogateOptions, fitSurrogate, type ModelKind } from './surrogate.js';
import { toModelSpace } from './target-spec.js';

/** Options of `crossValidate`: the fit's inputs plus the models and folds to compare. */
export interface CrossValidationOptions extends Omit<FitSurrogateOptions, 'model'> {
  /** Group (architecture class) of every row; no group is ever split between train and test. */
  readonly groups: ArrayLike<number | string>;
  /** Models to evaluate; default ensemble, ridge and knn. */
  readonly models?: readonly ModelKind[];
  /** Outer folds, integer ≥ 2 (fewer when there are fewer groups); default 5. */
  readonly folds?: number;
  /** Called after each fitted fold, for progress. */
  readonly onFold?: (info: { model: ModelKind; fold: number; folds: number }) => void;
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

/**
 * Grouped k-fold cross-validation of each model: fits on the other folds' groups, predicts the
 * held-out groups, and reports R², Kendall τ, Spearman ρ, MAE, top-10% recall and 50/90%
 * interval coverage per output on the pooled out-of-fold predictions.
 */
export function crossValidate(options: CrossValidationOptions): CrossValidationResult {
  const models = options.models ?? ['ensemble', 'ridge', 'knn'];
  const assignment = groupedFoldAssignment(options.groups, options.folds ?? 5, options.seed ?? 0);
  const folds = foldsOf(assignment);
  const n = options.features.length;

  const evaluations = models.map((model): ModelEvaluation => {
    const started = performance.now();
    const predictedMean: Float64Array[] = new Array(n);
    const predictedStd: Float64Array[] = new Array(n);
    folds.forEach((fold, f) => {
      const surrogate = fitSurrogate({
        ...options,
        model,
        features: fold.train.map((i) => options.features[i]),
        targets: fold.train.map((i) => options.targets[i]),
        groups: fold.train.map((i) => options.groups[i]),
        seed: (options.seed ?? 0) + f,
      });
      const prediction = surrogate.predict(fold.test.map((i) => options.features[i]));
      fold.test.forEach((row, k) => {
        predictedMean[row] = prediction.mean[k];
        predictedStd[row] = prediction.std[k];
      });
      options.onFold?.({ model, fold: f, folds: folds.length });
    });

    const seconds = (performance.now() - started) / 1000;
    return evaluateOutOfFold(model, options, folds, predictedMean, predictedStd, seconds);
  });

  return {
    rows: n,
    groups: new Set(Array.from(options.groups)).size,
    folds: folds.length,
    assignment,
    evaluations,
  };
}

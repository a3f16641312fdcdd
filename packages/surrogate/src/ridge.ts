import { InvalidArgumentError } from '@nashpobench2/search-space';
import { Matrix } from 'ml-matrix';
import { groupedKFold } from './grouped-folds.js';
import { ridgeSolve } from './linear-algebra.js';

/** Options of the ridge baseline. */
export interface RidgeOptions {
  /** Penalties to choose from per row of data, each > 0; default 1e-4 … 10 (six decades). */
  readonly penalties?: readonly number[];
  /** Inner grouped folds used to choose the penalty, integer ≥ 2; default 5. */
  readonly folds?: number;
  /** Seed of the inner split, integer; default 0. */
  readonly seed?: number;
}

/** A fitted ridge regression in standardised units. */
export interface RidgeState {
  /** Weights, features × outputs. */
  readonly weights: number[][];
  /** Intercept per output. */
  readonly intercept: number[];
  /** Chosen penalty λ (absolute, already multiplied by the row count). */
  readonly lambda: number;
  /** Inner cross-validated mean squared error per output: the homoscedastic predictive variance. */
  readonly residualVariance: number[];
}

const DEFAULT_PENALTIES = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

function fitAt(x: Matrix, y: Matrix, lambda: number): { weights: Matrix; intercept: number[] } {
  const xMean = x.mean('column');
  const yMean = y.mean('column');
  const xc = x.clone().subRowVector(xMean);
  const yc = y.clone().subRowVector(yMean);
  const weights = ridgeSolve(xc.transpose().mmul(xc), xc.transpose().mmul(yc), lambda);
  const offset = new Matrix([xMean]).mmul(weights).getRow(0);
  return { weights, intercept: yMean.map((m, j) => m - offset[j]) };
}

function predictRows(x: Matrix, weights: Matrix, intercept: number[]): Matrix {
  return x.mmul(weights).addRowVector(intercept);
}

/**
 * Fits ridge regression on standardised features and targets, choosing the penalty by grouped
 * inner cross-validation (rows of one group never split); groups default to one per row.
 */
export function trainRidge(
  x: readonly ArrayLike<number>[],
  y: readonly ArrayLike<number>[],
  groups?: ArrayLike<number | string>,
  options: RidgeOptions = {},
): RidgeState {
  const n = x.length;
  if (n < 3) throw new InvalidArgumentError('surrogate', 'rows', n, 'at least 3 rows for ridge');
  const xm = new Matrix(x.map((row) => Array.from(row)));
  const ym = new Matrix(y.map((row) => Array.from(row)));
  const penalties = (options.penalties ?? DEFAULT_PENALTIES).map((p) => p * n);
  const rowGroups = groups ?? Array.from({ length: n }, (_, i) => i);
  const folds = groupedKFold(rowGroups, options.folds ?? 5, options.seed ?? 0);

  const q = ym.columns;
  const errors = penalties.map(() => new Array<number>(q).fill(0));
  for (const fold of folds) {
    const xTrain = xm.selection(fold.train, range(xm.columns));
    const yTrain = ym.selection(fold.train, range(q));
    const xTest = xm.selection(fold.test, range(xm.columns));
    const yTest = ym.selection(fold.test, range(q));
    penalties.forEach((lambda, k) => {
      const fit = fitAt(xTrain, yTrain, lambda);
      const predicted = predictRows(xTest, fit.weights, fit.intercept);
      for (let i = 0; i < fold.test.length; i++) {
        for (let j = 0; j < q; j++)
          errors[k][j] += (yTest.get(i, j) - predicted.get(i, j)) ** 2 / n;
      }
    });
  }
  const total = errors.map((perOutput) => perOutput.reduce((a, b) => a + b, 0));
  const best = total.indexOf(Math.min(...total));
  const fit = fitAt(xm, ym, penalties[best]);
  return {
    weights: fit.weights.to2DArray(),
    intercept: fit.intercept,
    lambda: penalties[best],
    residualVariance: errors[best],
  };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Ridge predictions: means and the (constant) inner-CV variance per row and output. */
export function predictRidge(
  state: RidgeState,
  x: readonly ArrayLike<number>[],
): { mean: Float64Array[]; variance: Float64Array[] } {
  const q = state.intercept.length;
  const p = state.weights.length;
  const mean: Float64Array[] = [];
  const variance: Float64Array[] = [];
  for (const row of x) {
    const out = Float64Array.from(state.intercept);
    for (let k = 0; k < p; k++) {
      const value = row[k];
      if (value === 0) continue;
      const wk = state.weights[k];
      for (let j = 0; j < q; j++) out[j] += value * wk[j];
    }
    mean.push(out);
    variance.push(Float64Array.from(state.residualVariance));
  }
  return { mean, variance };
}

import { InvalidArgumentError } from '@nashpobench2/search-space';
import { groupedKFold } from './grouped-folds.js';

/** Options of the k-nearest-neighbours baseline. */
export interface KnnOptions {
  /** Neighbour counts to choose from by inner grouped CV, integers ≥ 2; default 2, 3, 5, 8, 13, 21. */
  readonly neighbours?: readonly number[];
  /** Inner grouped folds, integer ≥ 2; default 5. */
  readonly folds?: number;
  /** Seed of the inner split, integer; default 0. */
  readonly seed?: number;
}

/** A fitted kNN regressor in standardised units (it keeps its training rows). */
export interface KnnState {
  /** Neighbours averaged, integer ≥ 2. */
  readonly k: number;
  /** Training features (standardised). */
  readonly x: number[][];
  /** Training targets (standardised). */
  readonly y: number[][];
}

const DEFAULT_NEIGHBOURS = [2, 3, 5, 8, 13, 21];

/** Indices of the k nearest training rows (squared Euclidean), ties to the lower index. */
function nearest(
  xTrain: readonly ArrayLike<number>[],
  row: ArrayLike<number>,
  k: number,
): number[] {
  // Insertion into a sorted list of k: O(n·k) with k ≤ 21, no per-candidate allocation (this
  // runs for each of 48,528 configurations when the benchmark is completed).
  const bestDistance = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  const bestIndex = new Int32Array(k).fill(-1);
  for (let index = 0; index < xTrain.length; index++) {
    const candidate = xTrain[index];
    let d = 0;
    for (let j = 0; j < row.length; j++) {
      const difference = candidate[j] - row[j];
      d += difference * difference;
    }
    if (d >= bestDistance[k - 1]) continue;
    let slot = k - 1;
    while (slot > 0 && bestDistance[slot - 1] > d) {
      bestDistance[slot] = bestDistance[slot - 1];
      bestIndex[slot] = bestIndex[slot - 1];
      slot--;
    }
    bestDistance[slot] = d;
    bestIndex[slot] = index;
  }
  return Array.from(bestIndex).filter((index) => index >= 0);
}

function predictWith(
  xTrain: readonly ArrayLike<number>[],
  yTrain: readonly ArrayLike<number>[],
  k: number,
  rows: readonly ArrayLike<number>[],
): { mean: Float64Array[]; variance: Float64Array[] } {
  const q = yTrain[0].length;
  const used = Math.min(k, xTrain.length);
  const mean: Float64Array[] = [];
  const variance: Float64Array[] = [];
  for (const row of rows) {
    const neighbours = nearest(xTrain, row, used);
    const m = new Float64Array(q);
    const v = new Float64Array(q);
    for (const index of neighbours) for (let j = 0; j < q; j++) m[j] += yTrain[index][j] / used;
    for (const index of neighbours) {
      for (let j = 0; j < q; j++) v[j] += (yTrain[index][j] - m[j]) ** 2 / Math.max(1, used - 1);
    }
    // The neighbours' spread, inflated for the error of their mean, is the predictive variance.
    for (let j = 0; j < q; j++) v[j] = v[j] * (1 + 1 / used) + 1e-6;
    mean.push(m);
    variance.push(v);
  }
  return { mean, variance };
}

/** Fits kNN regression on standardised rows, choosing k by grouped inner cross-validation. */
export function trainKnn(
  x: readonly ArrayLike<number>[],
  y: readonly ArrayLike<number>[],
  groups?: ArrayLike<number | string>,
  options: KnnOptions = {},
): KnnState {
  const n = x.length;
  if (n < 3) throw new InvalidArgumentError('surrogate', 'rows', n, 'at least 3 rows for kNN');
  const candidates = (options.neighbours ?? DEFAULT_NEIGHBOURS).filter((k) => k < n);
  const rowGroups = groups ?? Array.from({ length: n }, (_, i) => i);
  const folds = groupedKFold(rowGroups, options.folds ?? 5, options.seed ?? 0);
  const errors = candidates.map(() => 0);
  for (const fold of folds) {
    const xTrain = fold.train.map((i) => x[i]);
    const yTrain = fold.train.map((i) => y[i]);
    const xTest = fold.test.map((i) => x[i]);
    candidates.forEach((k, c) => {
      const predicted = predictWith(xTrain, yTrain, k, xTest).mean;
      fold.test.forEach((row, i) => {
        for (let j = 0; j < predicted[i].length; j++)
          errors[c] += (y[row][j] - predicted[i][j]) ** 2;
      });
    });
  }
  const k = candidates.length > 0 ? candidates[errors.indexOf(Math.min(...errors))] : 2;
  return { k, x: x.map((row) => Array.from(row)), y: y.map((row) => Array.from(row)) };
}

/** kNN predictions: neighbour mean and neighbour variance per row and output. */
export function predictKnn(
  state: KnnState,
  x: readonly ArrayLike<number>[],
): { mean: Float64Array[]; variance: Float64Array[] } {
  return predictWith(state.x, state.y, state.k, x);
}

import type { Rng } from '@nashpobench2/search-space';

/** Settings of the regression forest. */
export interface ForestSettings {
  /** Number of trees, integer ≥ 1; default 10. */
  readonly trees: number;
  /** Smallest number of samples in a leaf, integer ≥ 1; default 3. */
  readonly minSamplesLeaf: number;
  /** Share of features tried at each split, 0..1; default 5/6 (SMAC). */
  readonly maxFeaturesFraction: number;
  /** Deepest tree level, integer ≥ 1; default 20. */
  readonly maxDepth: number;
}

interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly variance: Float64Array;
}

/**
 * A random forest for regression (bootstrap samples, random feature subsets, variance-reducing
 * splits) that predicts a mean and a variance (spread between trees plus mean leaf variance),
 * as SMAC's random-forest surrogate does.
 */
export class RegressionForest {
  private trees: Tree[] = [];

  /** A forest with the given settings. */
  constructor(private readonly settings: ForestSettings) {}

  /** Fits on `rows` (each a feature vector of equal length) and targets `y`. */
  fit(rows: readonly Float64Array[], y: readonly number[], rng: Rng): void {
    this.trees = [];
    for (let t = 0; t < this.settings.trees; t++) {
      const sample = Array.from({ length: rows.length }, () => rng.int(rows.length));
      this.trees.push(this.buildTree(rows, y, sample, rng));
    }
  }

  /** Predicted mean and variance at `x`. */
  predict(x: Float64Array): { mean: number; variance: number } {
    let sum = 0;
    let squares = 0;
    let leafVariance = 0;
    for (const tree of this.trees) {
      let node = 0;
      while (tree.feature[node] >= 0) {
        node = x[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      }
      sum += tree.value[node];
      squares += tree.value[node] ** 2;
      leafVariance += tree.variance[node];
    }
    const n = this.trees.length;
    const mean = sum / n;
    return { mean, variance: Math.max(0, squares / n - mean * mean) + leafVariance / n };
  }

  private buildTree(
    rows: readonly Float64Array[],
    y: readonly number[],
    sample: number[],
    rng: Rng,
  ): Tree {
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const variance: number[] = [];
    const featureCount = rows[0].length;
    const tried = Math.max(1, Math.ceil(this.settings.maxFeaturesFraction * featureCount));

    const grow = (members: number[], depth: number): number => {
      const node = feature.length;
      const stats = meanVariance(members, y);
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push(stats.mean);
      variance.push(stats.variance);
      const minLeaf = this.settings.minSamplesLeaf;
      if (depth >= this.settings.maxDepth || members.length < 2 * minLeaf || stats.variance === 0) {
        return node;
      }
      const split = bestSplit(rows, y, members, pickFeatures(featureCount, tried, rng), minLeaf);
      if (split === undefined) return node;
      const lower = members.filter((i) => rows[i][split.feature] <= split.threshold);
      const upper = members.filter((i) => rows[i][split.feature] > split.threshold);
      feature[node] = split.feature;
      threshold[node] = split.threshold;
      left[node] = grow(lower, depth + 1);
      right[node] = grow(upper, depth + 1);
      return node;
    };
    grow(sample, 0);
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
      variance: Float64Array.from(variance),
    };
  }
}

function meanVariance(members: number[], y: readonly number[]): { mean: number; variance: number } {
  let sum = 0;
  for (const i of members) sum += y[i];
  const mean = sum / members.length;
  let squares = 0;
  for (const i of members) squares += (y[i] - mean) ** 2;
  return { mean, variance: squares / members.length };
}

function pickFeatures(count: number, tried: number, rng: Rng): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < tried; i++) {
    const j = i + rng.int(count - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, tried);
}

/** The split of `members` on one of `features` with the smallest summed squared error. */
function bestSplit(
  rows: readonly Float64Array[],
  y: readonly number[],
  members: number[],
  features: number[],
  minLeaf: number,
): { feature: number; threshold: number } | undefined {
  let bestError = Number.POSITIVE_INFINITY;
  let best: { feature: number; threshold: number } | undefined;
  let total = 0;
  let totalSquares = 0;
  for (const i of members) {
    total += y[i];
    totalSquares += y[i] * y[i];
  }
  const n = members.length;
  for (const f of features) {
    const order = members.slice().sort((a, b) => rows[a][f] - rows[b][f]);
    let leftSum = 0;
    let leftSquares = 0;
    for (let k = 0; k < n - 1; k++) {
      const target = y[order[k]];
      leftSum += target;
      leftSquares += target * target;
      const here = rows[order[k]][f];
      const next = rows[order[k + 1]][f];
      if (here === next || k + 1 < minLeaf || n - k - 1 < minLeaf) continue;
      const leftCount = k + 1;
      const rightSum = total - leftSum;
      const error =
        leftSquares -
        (leftSum * leftSum) / leftCount +
        (totalSquares - leftSquares) -
        (rightSum * rightSum) / (n - leftCount);
      if (error < bestError - 1e-12) {
        bestError = error;
        best = { feature: f, threshold: (here + next) / 2 };
      }
    }
  }
  return best;
}

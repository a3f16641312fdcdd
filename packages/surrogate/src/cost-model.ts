import {
  EDGES,
  InvalidArgumentError,
  type NetworkShape,
  networkCost,
  OP_AVG_POOL,
  OP_CONV,
  OP_ZERO,
  parseCellCode,
} from '@nashpobench2/search-space';
import { Matrix } from 'ml-matrix';
import { foldsOf, groupedFoldAssignment } from './grouped-folds.js';
import { ridgeSolve } from './linear-algebra.js';
import { type RegressionMetrics, regressionMetrics } from './metrics.js';

/** The three passes of an epoch whose seconds the cost model predicts. */
export const COST_MODES = ['train', 'valid', 'test'] as const;

/** One of `COST_MODES`. */
export type CostMode = (typeof COST_MODES)[number];

/** Run-record field holding the per-epoch seconds of each pass. */
export const COST_FIELDS = {
  train: 'trainSeconds',
  valid: 'validSeconds',
  test: 'testSeconds',
} as const satisfies Record<CostMode, string>;

/** Features of a training pass (forward and backward over N images in N / bs batches). */
export const TRAIN_FEATURES = [
  '1',
  'MFLOPs',
  'liveMFLOPs',
  '1/bs',
  'MFLOPs/bs',
  'liveMFLOPs/bs',
  'pool/bs',
  'pool',
] as const;

/** Features of an evaluation pass at the training batch size (forward only). */
export const EVAL_FEATURES = ['1', 'MFLOPs', '1/bs', 'MFLOPs/bs', 'pool/bs', 'pool'] as const;

/** Features of an evaluation pass at a fixed batch size (the per-batch terms fold into these). */
export const FIXED_EVAL_FEATURES = ['1', 'MFLOPs', 'pool'] as const;

/** One measured configuration: its cell, batch size, class and seed-mean per-epoch seconds of each pass. */
export interface CostRow {
  /** Cell code that was trained (its FLOPs and op counts are the features). */
  readonly cellCode: string;
  /** Architecture class, for grouped folds. */
  readonly classId: number;
  /** Training batch size. */
  readonly batchSize: number;
  /** Per-epoch seconds of each pass (the mean over the configuration's seeds), all of equal length. */
  readonly seconds: Readonly<Record<CostMode, ArrayLike<number>>>;
}

/** Options of `CostModel.fit` and `crossValidateCost`. */
export interface CostModelOptions {
  /** Network shape for `networkCost` (the protocol's); default search-space's paper shape. */
  readonly shape?: NetworkShape;
  /**
   * Batch size of the evaluation passes (valid, test), integer ≥ 1, or null when they use the
   * run's training batch size (the trainer protocol's `evalBatchSize`); default null.
   */
  readonly evalBatchSize?: number | null;
  /** Ridge penalty on the standardised non-constant features, per row, ≥ 0; default 1e-4. */
  readonly penalty?: number;
}

/** Fitted state of one pass. */
export interface CostModeState {
  /** Feature names, in the order of `weights`. */
  readonly features: readonly string[];
  /** Least-squares weights in physical units: mean pass seconds per epoch = weights · features. */
  readonly weights: number[];
  /** Per-epoch profile: mean over the rows of (epoch e's seconds / the row's mean seconds); averages 1. */
  readonly profile: number[];
  /** Smallest prediction per epoch: half of the smallest measured per-epoch value of the pass. */
  readonly floor: number;
  /** Predictive std per epoch: RMS of held-out residuals (set by `withSpread`; NaN until then). */
  readonly spread: number[];
}

/** A cost model as a JSON object (`CostModel.toJSON`). */
export interface CostModelFile {
  readonly format: 'nashpobench2-cost-model';
  readonly version: 1;
  readonly shape: NetworkShape;
  readonly evalBatchSize: number | null;
  readonly penalty: number;
  readonly modes: Readonly<Record<CostMode, CostModeState>>;
}

const DEFAULT_PENALTY = 1e-4;

/** What a cell costs, for the features. */
export interface CellCostCounts {
  /** Forward multiply-accumulates per image of the whole network, millions (`networkCost`). */
  readonly megaFlops: number;
  /**
   * The same with only the convolutions whose output can reach the cell output: the ones the
   * backward pass differentiates (a convolution into a node cut off from the output still runs
   * forward, but no gradient flows through it).
   */
  readonly liveMegaFlops: number;
  /** Pooling edges whose input node is fed from the cell input (a pool of an all-zero node is skipped). */
  readonly pool: number;
}

/** Node 3 is the cell output; `EDGES[i] = [from, to]`. */
function reachesOutput(digits: readonly number[]): boolean[] {
  const reaches = [false, false, false, true];
  for (let node = 2; node >= 0; node--) {
    reaches[node] = EDGES.some(
      ([from, to], i) => from === node && digits[i] !== OP_ZERO && reaches[to],
    );
  }
  return reaches;
}

function fedFromInput(digits: readonly number[]): boolean[] {
  const fed = [true, false, false, false];
  EDGES.forEach(([from, to], i) => {
    if (fed[from] && digits[i] !== OP_ZERO) fed[to] = true;
  });
  return fed;
}

/** FLOPs and op counts of a cell that the cost model's features use (network shape `shape`). */
export function cellCostCounts(cellCode: string, shape: NetworkShape = {}): CellCostCounts {
  const digits = parseCellCode(cellCode);
  const reaches = reachesOutput(digits);
  const fed = fedFromInput(digits);
  const live = digits.map((d, i) => (d === OP_CONV && !reaches[EDGES[i][1]] ? OP_ZERO : d));
  const liveCode = `${live[0]}|${live[1]}${live[2]}|${live[3]}${live[4]}${live[5]}`;
  return {
    megaFlops: networkCost(cellCode, shape).flops / 1e6,
    liveMegaFlops: networkCost(liveCode, shape).flops / 1e6,
    pool: digits.filter((d, i) => d === OP_AVG_POOL && fed[EDGES[i][0]]).length,
  };
}

function checkOptions(options: CostModelOptions): void {
  const e = options.evalBatchSize;
  if (e !== undefined && e !== null && !(Number.isInteger(e) && e >= 1)) {
    throw new InvalidArgumentError('surrogate', 'evalBatchSize', e, 'integers ≥ 1, or null');
  }
  const p = options.penalty;
  if (p !== undefined && !(Number.isFinite(p) && p >= 0)) {
    throw new InvalidArgumentError('surrogate', 'penalty', p, 'finite numbers ≥ 0');
  }
}

/**
 * Physical model of the CPU (or wall) seconds of one pass per epoch, from the cell and the batch
 * size only: the learning rate and the seed do not enter. A training pass over N images at batch
 * size b does per-image work (a constant, forward work ∝ the network's multiply-accumulates F,
 * backward work ∝ the FLOPs of the convolutions a gradient reaches, F_live, and pooling) and
 * N / b batches of per-batch overhead (a constant, terms ∝ F and F_live for the weights' updates
 * and kernel launches, and per pooling edge). N is fixed by the protocol, so per epoch
 * `train ≈ w·[1, F, F_live, 1/b, F/b, F_live/b, pool/b, pool]` (F in millions). Evaluation is
 * forward only: `[1, F, 1/b, F/b, pool/b, pool]` at the training batch size, or `[1, F, pool]` at a
 * fixed evaluation batch size (constant batch count). Counting FLOPs rather than convolutions:
 * every convolution of a stage costs the same, so F is affine in the convolution count.
 * Weights are fitted by least squares with a small ridge penalty on the measured seed-mean
 * seconds averaged over epochs, per pass; a per-epoch profile (mean ratio of epoch e's seconds
 * to its run's mean: epoch 1's warm-up...) multiplies the mean, and every prediction is floored
 * at half the smallest measured per-epoch value of the pass, so it is always > 0.
 */
export class CostModel {
  private readonly counts = new Map<string, CellCostCounts>();

  private constructor(
    /** Network shape the FLOPs are computed for. */
    readonly shape: NetworkShape,
    /** Fixed evaluation batch size, or null (evaluation at the training batch size). */
    readonly evalBatchSize: number | null,
    /** Ridge penalty used in the fit. */
    readonly penalty: number,
    /** Fitted state per pass. */
    readonly modes: Readonly<Record<CostMode, CostModeState>>,
  ) {}

  /**
   * Fits the model on measured configurations (at least 2 rows with equal epoch counts ≥ 1 and
   * seconds > 0). The spread stays NaN until `withSpread` (see `crossValidateCost`).
   */
  static fit(rows: readonly CostRow[], options: CostModelOptions = {}): CostModel {
    checkOptions(options);
    if (rows.length < 2) {
      throw new InvalidArgumentError('surrogate', 'rows', rows.length, 'at least 2 cost rows');
    }
    const epochs = rows[0].seconds.train.length;
    for (const row of rows) {
      for (const mode of COST_MODES) {
        const values = row.seconds[mode];
        if (values.length !== epochs || epochs === 0) {
          const shown = `${values.length} epochs of ${mode} seconds`;
          throw new InvalidArgumentError('surrogate', 'rows', shown, `${epochs} epochs, ≥ 1`);
        }
        for (let e = 0; e < epochs; e++) {
          if (!(values[e] > 0 && Number.isFinite(values[e]))) {
            const shown = `${mode} seconds ${values[e]} of ${row.cellCode} bs ${row.batchSize}`;
            throw new InvalidArgumentError('surrogate', 'rows', shown, 'finite numbers > 0');
          }
        }
      }
    }
    const shape = options.shape ?? {};
    const evalBatchSize = options.evalBatchSize ?? null;
    const penalty = options.penalty ?? DEFAULT_PENALTY;
    const blank = new CostModel(shape, evalBatchSize, penalty, {
      train: emptyState(),
      valid: emptyState(),
      test: emptyState(),
    });
    const states = {} as Record<CostMode, CostModeState>;
    for (const mode of COST_MODES) {
      const features = rows.map((row) => blank.features(row.cellCode, row.batchSize, mode));
      const means = rows.map((row) => meanOf(row.seconds[mode]));
      const weights = leastSquares(features, means, penalty);
      const profile = Array.from({ length: epochs }, (_, e) => {
        let sum = 0;
        rows.forEach((row, i) => {
          sum += row.seconds[mode][e] / means[i];
        });
        return sum / rows.length;
      });
      let smallest = Number.POSITIVE_INFINITY;
      for (const row of rows)
        for (const v of Array.from(row.seconds[mode])) smallest = Math.min(smallest, v);
      states[mode] = {
        features: blank.featureNames(mode),
        weights,
        profile,
        floor: smallest / 2,
        spread: profile.map(() => Number.NaN),
      };
    }
    return new CostModel(shape, evalBatchSize, penalty, states);
  }

  /** A model from `toJSON`'s object (or its JSON text). */
  static fromJSON(file: CostModelFile | string): CostModel {
    const value = (typeof file === 'string' ? JSON.parse(file) : file) as CostModelFile;
    if (value?.format !== 'nashpobench2-cost-model' || value.version !== 1) {
      const shown = `${value?.format} v${value?.version}`;
      throw new InvalidArgumentError(
        'surrogate',
        'cost model',
        shown,
        'nashpobench2-cost-model v1',
      );
    }
    return new CostModel(value.shape, value.evalBatchSize, value.penalty, value.modes);
  }

  /** The model as a JSON-safe object. */
  toJSON(): CostModelFile {
    return {
      format: 'nashpobench2-cost-model',
      version: 1,
      shape: this.shape,
      evalBatchSize: this.evalBatchSize,
      penalty: this.penalty,
      modes: this.modes,
    };
  }

  /** The same weights with the given per-epoch spread per pass (e.g. held-out residual RMS). */
  withSpread(spread: Readonly<Record<CostMode, ArrayLike<number>>>): CostModel {
    const modes = {} as Record<CostMode, CostModeState>;
    for (const mode of COST_MODES)
      modes[mode] = { ...this.modes[mode], spread: Array.from(spread[mode]) };
    return new CostModel(this.shape, this.evalBatchSize, this.penalty, modes);
  }

  /** Epochs of the profile. */
  get epochs(): number {
    return this.modes.train.profile.length;
  }

  /** Whether a pass uses the fixed evaluation batch size. */
  private fixedBatch(mode: CostMode): boolean {
    return mode !== 'train' && this.evalBatchSize !== null;
  }

  /** Feature names of a pass. */
  featureNames(mode: CostMode): string[] {
    if (mode === 'train') return [...TRAIN_FEATURES];
    return [...(this.fixedBatch(mode) ? FIXED_EVAL_FEATURES : EVAL_FEATURES)];
  }

  /** Feature vector of a pass of `cellCode` trained at `batchSize` (names: `featureNames(mode)`). */
  features(cellCode: string, batchSize: number, mode: CostMode): number[] {
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
      throw new InvalidArgumentError('surrogate', 'batchSize', batchSize, 'integers ≥ 1');
    }
    if (!COST_MODES.includes(mode)) {
      throw new InvalidArgumentError('surrogate', 'mode', mode, COST_MODES.join(', '));
    }
    let c = this.counts.get(cellCode);
    if (!c) {
      c = cellCostCounts(cellCode, this.shape);
      this.counts.set(cellCode, c);
    }
    const b = batchSize;
    const { megaFlops: f, liveMegaFlops: live, pool } = c;
    if (mode === 'train') return [1, f, live, 1 / b, f / b, live / b, pool / b, pool];
    if (this.fixedBatch(mode)) return [1, f, pool];
    return [1, f, 1 / b, f / b, pool / b, pool];
  }

  /** Predicted mean seconds per epoch of a pass (weights · features, floored at the pass's floor). */
  predictMean(cellCode: string, batchSize: number, mode: CostMode): number {
    const x = this.features(cellCode, batchSize, mode);
    const w = this.modes[mode].weights;
    let sum = 0;
    for (let j = 0; j < x.length; j++) sum += w[j] * x[j];
    return Math.max(this.modes[mode].floor, sum);
  }

  /** Predicted seconds of each epoch: the mean × the epoch profile, floored (always > 0). */
  predict(cellCode: string, batchSize: number, mode: CostMode): Float64Array {
    const state = this.modes[mode];
    const mean = this.predictMean(cellCode, batchSize, mode);
    return Float64Array.from(state.profile, (p) => Math.max(state.floor, mean * p));
  }
}

function emptyState(): CostModeState {
  return { features: [], weights: [], profile: [], floor: 0, spread: [] };
}

function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * Least squares with an intercept (column 0 of `rows` is the constant 1, not penalised) and a
 * ridge penalty `penalty · n` on the standardised other columns; weights in physical units.
 */
function leastSquares(rows: number[][], y: number[], penalty: number): number[] {
  const n = rows.length;
  const p = rows[0].length - 1;
  const mean = new Array<number>(p).fill(0);
  const std = new Array<number>(p).fill(0);
  for (const row of rows) for (let j = 0; j < p; j++) mean[j] += row[j + 1] / n;
  for (const row of rows) for (let j = 0; j < p; j++) std[j] += (row[j + 1] - mean[j]) ** 2;
  for (let j = 0; j < p; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = s > 1e-12 ? s : 1;
  }
  const yMean = meanOf(y);
  const x = new Matrix(rows.map((row) => row.slice(1).map((v, j) => (v - mean[j]) / std[j])));
  const yc = Matrix.columnVector(y.map((v) => v - yMean));
  const xt = x.transpose();
  // A tiny floor keeps the Cholesky factorisation defined when a column is constant.
  const solved = ridgeSolve(xt.mmul(x), xt.mmul(yc), Math.max(penalty * n, 1e-9));
  const weights = [0];
  let intercept = yMean;
  for (let j = 0; j < p; j++) {
    const w = solved.get(j, 0) / std[j];
    weights.push(w);
    intercept -= w * mean[j];
  }
  weights[0] = intercept;
  return weights;
}

/** Held-out quality of the cost model: grouped folds, pooled out-of-fold predictions. */
export interface CostEvaluation {
  /** Rows evaluated. */
  readonly rows: number;
  /** Distinct architecture classes. */
  readonly groups: number;
  /** Outer folds used. */
  readonly folds: number;
  /** Outer fold of every row (`groupedFoldAssignment(classIds, folds, seed)`). */
  readonly assignment: Int32Array;
  /** Out-of-fold predicted seconds per pass, row and epoch. */
  readonly predicted: Readonly<Record<CostMode, Float64Array[]>>;
  /**
   * Metrics of each `trainSeconds@e`, `validSeconds@e`, `testSeconds@e` (physical units). The
   * spread used for coverage is, for each fold, the per-epoch RMS of the other folds' held-out
   * residuals, so it stays out of sample.
   */
  readonly outputs: { name: string; metrics: RegressionMetrics }[];
  /** Per-epoch RMS of all held-out residuals per pass: the final model's spread. */
  readonly spread: Readonly<Record<CostMode, number[]>>;
}

/**
 * Grouped k-fold evaluation of the cost model: each fold's model (weights, profile, floor) is
 * fitted on the other folds' classes only. With the same class order, folds and seed it splits
 * exactly as the curve model's cross-validation does.
 */
export function crossValidateCost(
  rows: readonly CostRow[],
  options: CostModelOptions & { readonly folds?: number; readonly seed?: number } = {},
): CostEvaluation {
  const groups = rows.map((row) => row.classId);
  const assignment = groupedFoldAssignment(groups, options.folds ?? 5, options.seed ?? 0);
  const folds = foldsOf(assignment);
  const epochs = rows[0]?.seconds.train.length ?? 0;
  const predicted = {} as Record<CostMode, Float64Array[]>;
  for (const mode of COST_MODES) predicted[mode] = new Array(rows.length);
  for (const fold of folds) {
    const model = CostModel.fit(
      fold.train.map((i) => rows[i]),
      options,
    );
    for (const i of fold.test) {
      for (const mode of COST_MODES) {
        predicted[mode][i] = model.predict(rows[i].cellCode, rows[i].batchSize, mode);
      }
    }
  }
  const residualRms = (mode: CostMode, subset: number[]) =>
    Array.from({ length: epochs }, (_, e) => {
      let sum = 0;
      for (const i of subset) sum += (rows[i].seconds[mode][e] - predicted[mode][i][e]) ** 2;
      return subset.length > 0 ? Math.sqrt(sum / subset.length) : Number.NaN;
    });
  const spread = {} as Record<CostMode, number[]>;
  const outputs: { name: string; metrics: RegressionMetrics }[] = [];
  for (const mode of COST_MODES) {
    spread[mode] = residualRms(
      mode,
      rows.map((_, i) => i),
    );
    const foldSpread = folds.map((fold) => residualRms(mode, fold.train));
    for (let e = 0; e < epochs; e++) {
      const truth = rows.map((row) => row.seconds[mode][e]);
      const mean = rows.map((_, i) => predicted[mode][i][e]);
      const std = rows.map((_, i) => foldSpread[assignment[i]][e]);
      outputs.push({
        name: `${COST_FIELDS[mode]}@${e + 1}`,
        metrics: regressionMetrics(truth, mean, std),
      });
    }
  }
  return {
    rows: rows.length,
    groups: new Set(groups).size,
    folds: folds.length,
    assignment,
    predicted,
    outputs,
    spread,
  };
}

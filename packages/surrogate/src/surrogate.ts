import { InvalidArgumentError } from '@nashpobench2/search-space';
import { extractFeatureMatrix, type FeatureInput, type FeatureSchema } from './features.js';
import { type KnnOptions, type KnnState, predictKnn, trainKnn } from './knn.js';
import { type ColumnScaler, fitScaler, principalAxes, scaleRows } from './linear-algebra.js';
import {
  type EnsembleOptions,
  type EnsembleState,
  predictEnsemble,
  trainEnsemble,
} from './mlp-ensemble.js';
import { predictRidge, type RidgeOptions, type RidgeState, trainRidge } from './ridge.js';
import type { SeedNoiseModel } from './seed-noise.js';
import {
  checkOffset,
  fromModelSpace,
  offsetValue,
  type TargetSpec,
  toModelSpace,
} from './target-spec.js';

/**
 * The model families: a deep ensemble of MLPs, two baselines, and the committee (the equal-weight
 * mixture of the other three, fitted on the same rows).
 */
export const MODEL_KINDS = ['ensemble', 'ridge', 'knn', 'committee'] as const;

/** One of `MODEL_KINDS`. */
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The families a committee averages, in this order. */
export const COMMITTEE_MEMBERS = ['ensemble', 'ridge', 'knn'] as const;

/** A fitted single-family regressor, in standardised (and possibly projected) units. */
export type MemberState =
  | { readonly kind: 'ensemble'; readonly state: EnsembleState }
  | { readonly kind: 'ridge'; readonly state: RidgeState }
  | { readonly kind: 'knn'; readonly state: KnnState };

/** A fitted regressor of any kind: one family, or a committee of families. */
export type RegressorState =
  | MemberState
  | { readonly kind: 'committee'; readonly members: readonly MemberState[] };

/** Target compression: standardised outputs ≈ components · axes, plus per-output residual variance. */
export interface TargetProjection {
  /** Principal axes, components × outputs. */
  readonly axes: number[][];
  /** Variance per output (standardised units) the dropped components leave unexplained. */
  readonly residualVariance: number[];
  /** Standard deviation of each component's scores; the regressor sees scores divided by it. */
  readonly componentScale: number[];
}

/** Everything a fitted surrogate consists of; what the model file stores. */
export interface SurrogateParts {
  /** Model family. */
  readonly kind: ModelKind;
  /** Inputs the model expects, when it was fitted from configurations. */
  readonly featureSchema?: FeatureSchema;
  /** One spec per output. */
  readonly targetSpecs: readonly TargetSpec[];
  /** Feature standardisation. */
  readonly inputScaler: ColumnScaler;
  /** Target standardisation in model space (after each spec's transform). */
  readonly outputScaler: ColumnScaler;
  /** Present when many outputs were compressed to principal components. */
  readonly projection?: TargetProjection;
  /** The fitted regressor. */
  readonly regressor: RegressorState;
  /** Multiplier of the predicted std per output, from held-out calibration; 1 when uncalibrated. */
  readonly stdScale: readonly number[];
  /** Held-out metrics measured for this model (set by the fitting pipeline). */
  readonly metrics?: unknown;
  /** Seed-noise model of the outputs, when replicate seeds were measured. */
  readonly seedNoise?: SeedNoiseModel;
  /** Rows and distinct groups the model was fitted on. */
  readonly training: { readonly rows: number; readonly groups: number };
}

/** Predicted means and standard deviations, one Float64Array per row (length = outputs). */
export interface SurrogatePrediction {
  /** Mean per row and output, physical units, clipped to each output's range. */
  readonly mean: Float64Array[];
  /** Predictive standard deviation per row and output, physical units, ≥ 0. */
  readonly std: Float64Array[];
}

/** Options of `fitSurrogate`. */
export interface FitSurrogateOptions {
  /** Feature rows (e.g. from `extractFeatureMatrix`), all the same length. */
  readonly features: readonly ArrayLike<number>[];
  /** Target rows in physical units, all the same length (1 for a scalar target). */
  readonly targets: readonly ArrayLike<number>[];
  /** Group of each row (architecture class) for the baselines' inner CV; default one per row. */
  readonly groups?: ArrayLike<number | string>;
  /** One spec per output; default unbounded identity outputs named `target0`…. */
  readonly targetSpecs?: readonly TargetSpec[];
  /** Model family; default 'ensemble'. */
  readonly model?: ModelKind;
  /** Schema stored with the model so it can predict configurations directly. */
  readonly featureSchema?: FeatureSchema;
  /** Ensemble training options. */
  readonly ensemble?: EnsembleOptions;
  /** Ridge options. */
  readonly ridge?: RidgeOptions;
  /** kNN options. */
  readonly knn?: KnnOptions;
  /** Compress the outputs to at most this many principal components when there are more, integer ≥ 0 (0 = never); default 12. */
  readonly maxComponents?: number;
  /** Fraction of standardised target variance the kept components must explain, (0, 1]; default 0.999. */
  readonly varianceKept?: number;
  /** Seed of everything random in the fit, integer; default 0. */
  readonly seed?: number;
}

function fitProjection(
  rows: Float64Array[],
  maxComponents: number,
  kept: number,
): TargetProjection {
  const { variances, axes } = principalAxes(rows);
  const total = variances.reduce((a, b) => a + b, 0);
  let count = 0;
  let explained = 0;
  while (count < Math.min(maxComponents, axes.length) && explained < kept * total) {
    explained += variances[count++];
  }
  const chosen = axes.slice(0, Math.max(1, count));
  const q = rows[0].length;
  const residualVariance = new Array<number>(q).fill(0);
  for (const row of rows) {
    const reconstructed = new Float64Array(q);
    for (const axis of chosen) {
      let component = 0;
      for (let j = 0; j < q; j++) component += row[j] * axis[j];
      for (let j = 0; j < q; j++) reconstructed[j] += component * axis[j];
    }
    for (let j = 0; j < q; j++)
      residualVariance[j] += (row[j] - reconstructed[j]) ** 2 / rows.length;
  }
  // Components are rescaled to unit variance: the leading one can carry most of the outputs'
  // total variance, a scale the regressors (ensemble initialisation, ridge penalty) do not expect.
  const componentScale = chosen.map((_, k) => Math.sqrt(Math.max(variances[k], 1e-12)));
  return { axes: chosen, residualVariance, componentScale };
}

function project(projection: TargetProjection, rows: Float64Array[]): Float64Array[] {
  return rows.map((row) =>
    Float64Array.from(
      projection.axes,
      (axis, k) => axis.reduce((s, a, j) => s + a * row[j], 0) / projection.componentScale[k],
    ),
  );
}

/** Fits a surrogate of the chosen family on feature and target rows. */
export function fitSurrogate(options: FitSurrogateOptions): Surrogate {
  const { features, targets } = options;
  if (features.length !== targets.length || features.length < 3) {
    const shown = `${features.length} feature rows, ${targets.length} target rows`;
    throw new InvalidArgumentError('surrogate', 'rows', shown, 'equal row counts ≥ 3');
  }
  const q = targets[0].length;
  const specs =
    options.targetSpecs ?? Array.from({ length: q }, (_, j) => ({ name: `target${j}` }));
  if (specs.length !== q) {
    throw new InvalidArgumentError(
      'surrogate',
      'targetSpecs',
      specs.length,
      `${q} specs, one per output`,
    );
  }
  const kind = options.model ?? 'ensemble';
  if (!MODEL_KINDS.includes(kind)) {
    throw new InvalidArgumentError('surrogate', 'model', kind, MODEL_KINDS.join(', '));
  }

  for (const spec of specs) checkOffset(spec, features[0].length);

  const inputScaler = fitScaler(features);
  const x = scaleRows(inputScaler, features);
  const modelTargets = targets.map((row, i) =>
    Float64Array.from(specs, (spec, j) =>
      toModelSpace(spec, row[j] - offsetValue(spec, features[i])),
    ),
  );
  const outputScaler = fitScaler(modelTargets);
  const y = scaleRows(outputScaler, modelTargets);

  const maxComponents = options.maxComponents ?? 12;
  const projection =
    maxComponents > 0 && q > maxComponents
      ? fitProjection(y, maxComponents, options.varianceKept ?? 0.999)
      : undefined;
  const fitted = projection ? project(projection, y) : y;

  const seed = options.seed ?? 0;
  const member = (family: MemberState['kind']): MemberState => {
    if (family === 'ensemble') {
      return { kind: family, state: trainEnsemble(x, fitted, { seed, ...options.ensemble }) };
    }
    if (family === 'ridge') {
      return {
        kind: family,
        state: trainRidge(x, fitted, options.groups, { seed, ...options.ridge }),
      };
    }
    return { kind: family, state: trainKnn(x, fitted, options.groups, { seed, ...options.knn }) };
  };
  const regressor: RegressorState =
    kind === 'committee' ? { kind, members: COMMITTEE_MEMBERS.map(member) } : member(kind);
  const groupCount = options.groups ? new Set(Array.from(options.groups)).size : features.length;
  return new Surrogate({
    kind,
    featureSchema: options.featureSchema,
    targetSpecs: specs,
    inputScaler,
    outputScaler,
    projection,
    regressor,
    stdScale: specs.map(() => 1),
    training: { rows: features.length, groups: groupCount },
  });
}

/**
 * The committee of single-family surrogates fitted on the same rows with the same options (one
 * per `COMMITTEE_MEMBERS`, in that order): what `fitSurrogate` with `model: 'committee'` returns
 * for those rows, without fitting again. Throws when the members' kinds or scalers differ.
 */
export function committeeOf(members: readonly Surrogate[]): Surrogate {
  const kinds = members.map((m) => m.kind).join(', ');
  if (kinds !== COMMITTEE_MEMBERS.join(', ')) {
    throw new InvalidArgumentError(
      'surrogate',
      'committee members',
      kinds,
      COMMITTEE_MEMBERS.join(', '),
    );
  }
  const first = members[0].parts;
  const same = (a: ColumnScaler, b: ColumnScaler) =>
    a.mean.every((v, i) => v === b.mean[i]) && a.std.every((v, i) => v === b.std[i]);
  for (const member of members) {
    if (
      !same(member.parts.inputScaler, first.inputScaler) ||
      !same(member.parts.outputScaler, first.outputScaler)
    ) {
      const allowed = 'members fitted on the same rows';
      throw new InvalidArgumentError(
        'surrogate',
        'committee members',
        'different scalers',
        allowed,
      );
    }
  }
  return new Surrogate({
    kind: 'committee',
    featureSchema: first.featureSchema,
    targetSpecs: first.targetSpecs,
    inputScaler: first.inputScaler,
    outputScaler: first.outputScaler,
    projection: first.projection,
    regressor: { kind: 'committee', members: members.map((m) => m.parts.regressor as MemberState) },
    stdScale: first.targetSpecs.map(() => 1),
    training: first.training,
  });
}

function predictRegressor(
  regressor: RegressorState,
  x: Float64Array[],
): { mean: Float64Array[]; variance: Float64Array[] } {
  if (regressor.kind === 'committee') {
    // Equal-weight mixture: mean of the means; variance = mean variance + spread of the means.
    const parts = regressor.members.map((m) => predictRegressor(m, x));
    const k = parts.length;
    const mean = x.map((_, i) => {
      const row = new Float64Array(parts[0].mean[i].length);
      for (const part of parts) for (let j = 0; j < row.length; j++) row[j] += part.mean[i][j] / k;
      return row;
    });
    const variance = x.map((_, i) => {
      const row = new Float64Array(mean[i].length);
      for (const part of parts) {
        for (let j = 0; j < row.length; j++) {
          row[j] += (part.variance[i][j] + (part.mean[i][j] - mean[i][j]) ** 2) / k;
        }
      }
      return row;
    });
    return { mean, variance };
  }
  if (regressor.kind === 'ridge') return predictRidge(regressor.state, x);
  if (regressor.kind === 'knn') return predictKnn(regressor.state, x);
  const flat = predictEnsemble(regressor.state, x);
  const q = flat.mean.length / Math.max(1, x.length);
  const rows = (values: Float64Array) => x.map((_, i) => values.slice(i * q, (i + 1) * q));
  return { mean: rows(flat.mean), variance: rows(flat.variance) };
}

/** A fitted surrogate: predicts means and spreads in physical units; serialisable to JSON. */
export class Surrogate {
  /** The model's parts, as stored in its file. */
  readonly parts: SurrogateParts;

  constructor(parts: SurrogateParts) {
    this.parts = parts;
  }

  /** Model family. */
  get kind(): ModelKind {
    return this.parts.kind;
  }

  /** Output specs, one per output. */
  get targetSpecs(): readonly TargetSpec[] {
    return this.parts.targetSpecs;
  }

  /** The feature schema the model was fitted with; throws when it was fitted on raw rows. */
  get featureSchema(): FeatureSchema {
    const schema = this.parts.featureSchema;
    if (!schema) {
      const allowed = 'a model fitted with a featureSchema';
      throw new InvalidArgumentError('surrogate', 'featureSchema', 'none', allowed);
    }
    return schema;
  }

  /** Predicts feature rows (same layout as the fit's features). */
  predict(features: readonly ArrayLike<number>[]): SurrogatePrediction {
    const width = this.parts.inputScaler.mean.length;
    for (const row of features) {
      if (row.length !== width) {
        throw new InvalidArgumentError(
          'surrogate',
          'features',
          `${row.length} columns`,
          `${width} columns`,
        );
      }
    }
    const x = scaleRows(this.parts.inputScaler, features);
    const raw = predictRegressor(this.parts.regressor, x);
    const { projection, outputScaler, targetSpecs, stdScale } = this.parts;
    const mean: Float64Array[] = [];
    const std: Float64Array[] = [];
    raw.mean.forEach((m, i) => {
      const v = raw.variance[i];
      const outMean = new Float64Array(targetSpecs.length);
      const outStd = new Float64Array(targetSpecs.length);
      for (let j = 0; j < targetSpecs.length; j++) {
        let mu = m[j];
        let variance = v[j];
        if (projection) {
          mu = 0;
          variance = projection.residualVariance[j];
          projection.axes.forEach((axis, k) => {
            const scale = projection.componentScale[k];
            mu += m[k] * scale * axis[j];
            variance += v[k] * scale * scale * axis[j] * axis[j];
          });
        }
        const sigma = Math.sqrt(Math.max(0, variance)) * outputScaler.std[j] * stdScale[j];
        const physical = fromModelSpace(
          targetSpecs[j],
          mu * outputScaler.std[j] +
            outputScaler.mean[j] +
            offsetValue(targetSpecs[j], features[i]),
          sigma,
        );
        outMean[j] = physical.mean;
        outStd[j] = physical.std;
      }
      mean.push(outMean);
      std.push(outStd);
    });
    return { mean, std };
  }

  /** Predicts configurations through the stored feature schema. */
  predictInputs(inputs: readonly FeatureInput[]): SurrogatePrediction {
    return this.predict(extractFeatureMatrix(this.featureSchema, inputs));
  }

  /** A copy with other parts replaced (calibration scale, metrics, seed noise). */
  with(changes: Partial<Pick<SurrogateParts, 'stdScale' | 'metrics' | 'seedNoise'>>): Surrogate {
    return new Surrogate({ ...this.parts, ...changes });
  }
}

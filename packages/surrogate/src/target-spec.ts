import { InvalidArgumentError } from '@nashpobench2/search-space';

/** How one output is modelled and which values are physical. */
export interface TargetSpec {
  /** Output name, e.g. 'longTestAccuracy' or 'validAccuracy@12'. */
  readonly name: string;
  /** Smallest physical value; predictions are clipped to it (e.g. 0 for accuracy). */
  readonly min?: number;
  /** Largest physical value; predictions are clipped to it (e.g. 100 for accuracy). */
  readonly max?: number;
  /** 'log' fits log(value) (for strictly positive times and losses); default 'identity'. */
  readonly transform?: 'identity' | 'log';
  /**
   * An input the output is modelled relative to (identity outputs only): the regressor fits
   * `value − scale · features[column]` and adds it back before clipping. The long-training
   * accuracy given a measured short curve is modelled as its gain over the curve's last valid
   * accuracy: the level is mostly that accuracy, the gain is what the models must learn.
   */
  readonly offset?: TargetOffset;
}

/** The input column an output is modelled relative to; see `TargetSpec.offset`. */
export interface TargetOffset {
  /** Index of the column in the raw (unscaled) feature row, integer ≥ 0. */
  readonly column: number;
  /** Multiplier of the column in the output's units (100 for an accuracy stored as a fraction). */
  readonly scale: number;
  /** Name of the column (the feature schema's name), for readers of the model file. */
  readonly name: string;
}

/** The offset of `spec` for one raw feature row, in the output's units (0 without offset). */
export function offsetValue(spec: TargetSpec, features: ArrayLike<number>): number {
  return spec.offset ? spec.offset.scale * features[spec.offset.column] : 0;
}

/** Checks a spec's offset against the feature width; throws a one-line error when invalid. */
export function checkOffset(spec: TargetSpec, width: number): void {
  const offset = spec.offset;
  if (!offset) return;
  if (spec.transform === 'log') {
    throw new InvalidArgumentError(
      'surrogate',
      `${spec.name} offset`,
      offset.name,
      'offsets on identity outputs only',
    );
  }
  if (!Number.isInteger(offset.column) || offset.column < 0 || offset.column >= width) {
    throw new InvalidArgumentError(
      'surrogate',
      `${spec.name} offset column`,
      offset.column,
      `integers in 0..${width - 1} (the feature row's columns)`,
    );
  }
  if (!Number.isFinite(offset.scale)) {
    throw new InvalidArgumentError(
      'surrogate',
      `${spec.name} offset scale`,
      offset.scale,
      'finite numbers',
    );
  }
}

/** Accuracy in percent: identity scale, clipped to [0, 100]. */
export function accuracyTarget(name: string): TargetSpec {
  return { name, min: 0, max: 100, transform: 'identity' };
}

/** A strictly positive quantity (seconds, loss) fitted on the log scale. */
export function positiveTarget(name: string): TargetSpec {
  return { name, min: 0, transform: 'log' };
}

/** Smallest positive value a log-scale output takes before its logarithm. */
const LOG_FLOOR = 1e-9;

/** Maps a physical value to the space the model fits. */
export function toModelSpace(spec: TargetSpec, value: number): number {
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError('surrogate', spec.name, value, 'finite target values');
  }
  return spec.transform === 'log' ? Math.log(Math.max(LOG_FLOOR, value)) : value;
}

/** Clips a physical value to the spec's range. */
export function clipToRange(spec: TargetSpec, value: number): number {
  let clipped = value;
  if (spec.min !== undefined && clipped < spec.min) clipped = spec.min;
  if (spec.max !== undefined && clipped > spec.max) clipped = spec.max;
  return clipped;
}

/**
 * Maps a model-space mean and standard deviation back to physical units, clipped to range.
 * Log outputs use the median exp(μ) (at least 1e-9, so it stays > 0) and the delta-method
 * spread exp(μ)·σ.
 */
export function fromModelSpace(
  spec: TargetSpec,
  mean: number,
  std: number,
): { mean: number; std: number } {
  if (spec.transform === 'log') {
    // Floored in model space so that a positive quantity never comes back as 0.
    const median = Math.exp(Math.max(mean, Math.log(LOG_FLOOR)));
    return { mean: clipToRange(spec, median), std: median * std };
  }
  return { mean: clipToRange(spec, mean), std };
}

import { createRng } from '@nashpobench2/search-space';
import { clipToRange, type TargetSpec, toModelSpace } from './target-spec.js';

/** Seed-to-seed spread of each output, estimated from configurations trained with several seeds. */
export interface SeedNoiseModel {
  /** Configurations with ≥ 2 seeds the estimate pooled; 0 means no noise could be measured. */
  readonly replicates: number;
  /** Per output: the noise scale (see `seedNoiseStd`) and the spec it applies to. */
  readonly outputs: readonly { readonly spec: TargetSpec; readonly scale: number }[];
}

function isBounded(spec: TargetSpec): boolean {
  return spec.transform !== 'log' && spec.min !== undefined && spec.max !== undefined;
}

function boundedShape(spec: TargetSpec, value: number): number {
  const span = (spec.max ?? 1) - (spec.min ?? 0);
  const u = Math.min(1, Math.max(0, (value - (spec.min ?? 0)) / span));
  return 4 * u * (1 - u);
}

/**
 * Fits the seed-noise model: for bounded outputs (accuracy) std = scale·2·√(u(1−u)) with u the
 * position of the mean in [min, max] (noise vanishes at the bounds), for log outputs a constant
 * std of log(value), otherwise a constant std; scales are pooled with n−1 degrees of freedom.
 * replicates: per configuration, the per-seed output vectors (physical units).
 */
export function fitSeedNoise(
  replicates: readonly (readonly ArrayLike<number>[])[],
  specs: readonly TargetSpec[],
): SeedNoiseModel {
  const groups = replicates.filter((seeds) => seeds.length >= 2);
  const outputs = specs.map((spec, j) => {
    let numerator = 0;
    let denominator = 0;
    for (const seeds of groups) {
      const values = seeds.map((row) => toModelSpace(spec, row[j]));
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      const squares = values.reduce((a, v) => a + (v - m) ** 2, 0);
      numerator += squares;
      const df = values.length - 1;
      denominator += isBounded(spec) ? df * boundedShape(spec, m) : df;
    }
    return { spec, scale: denominator > 0 ? Math.sqrt(numerator / denominator) : 0 };
  });
  return { replicates: groups.length, outputs };
}

/** Seed standard deviation of output j at a given mean (physical units for identity outputs, log units for log outputs). */
export function seedNoiseStd(model: SeedNoiseModel, output: number, mean: number): number {
  const { spec, scale } = model.outputs[output];
  return isBounded(spec) ? scale * Math.sqrt(boundedShape(spec, mean)) : scale;
}

function hashKey(text: string): number {
  // FNV-1a, 32 bits: a stable seed for the deviate of one (configuration, seed, stream).
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Standard-normal deviate fixed by (configuration key, seed, stream): the same arguments give
 * the same value on every call and engine. Use one stream per curve so a seed's curve is smooth.
 */
export function seedDeviate(
  key: string | number,
  seed: number,
  stream: string | number = 0,
): number {
  return createRng(hashKey(`${key}/${seed}/${stream}`)).normal();
}

/** A plausible value of output j for one seed: the mean shifted by z seed standard deviations, clipped to range. */
export function perSeedValue(
  model: SeedNoiseModel,
  output: number,
  mean: number,
  z: number,
): number {
  const { spec } = model.outputs[output];
  const std = seedNoiseStd(model, output, mean);
  if (spec.transform === 'log') return clipToRange(spec, mean * Math.exp(std * z));
  return clipToRange(spec, mean + std * z);
}

/**
 * Fits a one-output seed-noise model from summaries (mean, sample std over `count` seeds), as
 * long-training records store them; same model form as `fitSeedNoise`. Entries with count < 2 are skipped.
 */
export function fitSeedNoiseFromSpread(
  items: readonly { readonly mean: number; readonly std: number; readonly count: number }[],
  spec: TargetSpec,
): SeedNoiseModel {
  let numerator = 0;
  let denominator = 0;
  let used = 0;
  for (const { mean, std, count } of items) {
    if (count < 2 || !Number.isFinite(std)) continue;
    const df = count - 1;
    // For log outputs the spread is converted to log units by the delta method.
    const spread = spec.transform === 'log' ? std / Math.max(1e-12, mean) : std;
    numerator += df * spread * spread;
    denominator += isBounded(spec) ? df * boundedShape(spec, mean) : df;
    used++;
  }
  const scale = denominator > 0 ? Math.sqrt(numerator / denominator) : 0;
  return { replicates: used, outputs: [{ spec, scale }] };
}

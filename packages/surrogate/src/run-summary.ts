import { InvalidArgumentError } from '@nashpobench2/search-space';
import type { CurveInput } from './features.js';
import type { RunRecord } from './records.js';
import { accuracyTarget, positiveTarget, type TargetSpec } from './target-spec.js';

/** The per-epoch arrays of a run, in the order the short surrogate's outputs use. */
export const CURVE_FIELDS = [
  'trainAccuracy',
  'validAccuracy',
  'testAccuracy',
  'trainLoss',
  'validLoss',
  'testLoss',
  'trainSeconds',
  'validSeconds',
  'testSeconds',
] as const;

/** One of `CURVE_FIELDS`. */
export type CurveField = (typeof CURVE_FIELDS)[number];

/** Output specs of the short surrogate: each field × epoch, accuracies clipped to [0, 100], losses and times on the log scale. */
export function curveTargetSpecs(epochs: number): TargetSpec[] {
  const specs: TargetSpec[] = [];
  for (const field of CURVE_FIELDS) {
    for (let e = 1; e <= epochs; e++) {
      const name = `${field}@${e}`;
      specs.push(field.endsWith('Accuracy') ? accuracyTarget(name) : positiveTarget(name));
    }
  }
  return specs;
}

/** Index of `field@epoch` among the short surrogate's outputs; epoch 1..epochs. */
export function curveOutputIndex(field: CurveField, epoch: number, epochs: number): number {
  return CURVE_FIELDS.indexOf(field) * epochs + (epoch - 1);
}

/** The runs of one (class, lr, batch size) and their mean over seeds. */
export interface ConfigurationRuns {
  /** Key `classId/lr/batchSize`. */
  readonly key: string;
  /** Class representative trained. */
  readonly cellCode: string;
  /** Architecture class id. */
  readonly classId: number;
  /** Learning rate. */
  readonly lr: number;
  /** Batch size. */
  readonly batchSize: number;
  /** Measured runs, one per seed. */
  readonly runs: RunRecord[];
  /** Mean over seeds of the flattened curves (`CURVE_FIELDS` × epochs). */
  readonly meanCurves: Float64Array;
  /** Mean curve as a feature input (valid accuracy and train loss). */
  readonly curve: CurveInput;
}

/** The key that identifies a configuration (class, lr, batch size). */
export function configurationKey(classId: number, lr: number, batchSize: number): string {
  return `${classId}/${lr}/${batchSize}`;
}

/** Flattens a run's curves in `CURVE_FIELDS` order, `epochs` values per field. */
export function flattenCurves(run: RunRecord, epochs: number): Float64Array {
  const flat = new Float64Array(CURVE_FIELDS.length * epochs);
  CURVE_FIELDS.forEach((field, f) => {
    const values = run[field];
    if (values.length < epochs) {
      const shown = `${values.length} epochs of ${field}`;
      throw new InvalidArgumentError('surrogate', 'run', shown, `≥ ${epochs} epochs per curve`);
    }
    for (let e = 0; e < epochs; e++) flat[f * epochs + e] = values[e];
  });
  return flat;
}

/** Groups measured runs by configuration and averages their curves over seeds. */
export function summarizeRuns(
  runs: Iterable<RunRecord>,
  epochs: number,
): Map<string, ConfigurationRuns> {
  const grouped = new Map<string, RunRecord[]>();
  for (const run of runs) {
    if (!run.measured) continue;
    const key = configurationKey(run.classId, run.lr, run.batchSize);
    const list = grouped.get(key);
    if (list) list.push(run);
    else grouped.set(key, [run]);
  }
  const summaries = new Map<string, ConfigurationRuns>();
  for (const [key, list] of grouped) {
    const meanCurves = new Float64Array(CURVE_FIELDS.length * epochs);
    for (const run of list) {
      const flat = flattenCurves(run, epochs);
      for (let k = 0; k < flat.length; k++) meanCurves[k] += flat[k] / list.length;
    }
    const valid = CURVE_FIELDS.indexOf('validAccuracy') * epochs;
    const loss = CURVE_FIELDS.indexOf('trainLoss') * epochs;
    const first = list[0];
    summaries.set(key, {
      key,
      cellCode: first.cellCode,
      classId: first.classId,
      lr: first.lr,
      batchSize: first.batchSize,
      runs: list,
      meanCurves,
      curve: {
        validAccuracy: meanCurves.subarray(valid, valid + epochs),
        trainLoss: meanCurves.subarray(loss, loss + epochs),
      },
    });
  }
  return summaries;
}

/** The mean curve input of a flattened curve vector (valid accuracy and train loss blocks). */
export function curveInputOf(flat: Float64Array, epochs: number): CurveInput {
  const valid = CURVE_FIELDS.indexOf('validAccuracy') * epochs;
  const loss = CURVE_FIELDS.indexOf('trainLoss') * epochs;
  return {
    validAccuracy: flat.subarray(valid, valid + epochs),
    trainLoss: flat.subarray(loss, loss + epochs),
  };
}

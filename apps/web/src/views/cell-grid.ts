import type { Benchmark, Mode } from '@nashpobench2/dataset';
import { BATCH_SIZES, configIndex, LEARNING_RATES } from '@nashpobench2/search-space';

/** Which value a heatmap shows: a short-schedule accuracy of one split, or the long test accuracy. */
export type GridMetric =
  | { readonly schedule: 'short'; readonly mode: Mode }
  | { readonly schedule: 'long' };

/** One of the 48 points of the learning-rate × batch-size grid for one cell. */
export interface GridPoint {
  /** Learning rate, one of `LEARNING_RATES`. */
  readonly lr: number;
  /** Batch size, one of `BATCH_SIZES`. */
  readonly batchSize: number;
  /** Official configuration index 0..196,607. */
  readonly index: number;
  /** Accuracy in percent; NaN where the benchmark holds no value. */
  readonly accuracyPct: number;
  /** True when trained, false when predicted by a surrogate (or missing). */
  readonly measured: boolean;
}

/**
 * The 8 × 6 grid of a cell: accuracy after the short schedule's last epoch (seed undefined = mean
 * over seeds) or the long-training test accuracy, with whether each value was measured.
 */
export function cellGrid(
  benchmark: Benchmark,
  cellCode: string,
  metric: GridMetric,
  seed?: number,
): GridPoint[] {
  const points: GridPoint[] = [];
  const lastEpoch = benchmark.protocol.shortEpochs;
  for (const lr of LEARNING_RATES) {
    for (const batchSize of BATCH_SIZES) {
      const index = configIndex({ cellCode, lr, batchSize });
      if (metric.schedule === 'long') {
        const accuracyPct = benchmark.longAccuracyAt(index);
        points.push({
          lr,
          batchSize,
          index,
          accuracyPct,
          measured: benchmark.isLongMeasured(index),
        });
        continue;
      }
      const present = benchmark.hasRun(index, seed);
      const accuracyPct = present
        ? benchmark.accuracyAt(index, metric.mode, lastEpoch, seed)
        : Number.NaN;
      points.push({
        lr,
        batchSize,
        index,
        accuracyPct,
        measured: present && benchmark.isMeasured(index),
      });
    }
  }
  return points;
}

/** Per-epoch accuracy of the three splits for one configuration and seed (undefined = mean). */
export interface CurvePoint {
  /** Epoch, integer 1..shortEpochs. */
  readonly epoch: number;
  /** Split. */
  readonly split: Mode;
  /** Accuracy in percent after that epoch. */
  readonly accuracyPct: number;
  /** Cumulative cost of the split's passes over the first `epoch` epochs, seconds (official semantics). */
  readonly costSeconds: number;
}

/** Learning curves of one configuration; empty when the benchmark holds no run for it. */
export function learningCurves(benchmark: Benchmark, index: number, seed?: number): CurvePoint[] {
  if (!benchmark.hasRun(index, seed)) return [];
  const points: CurvePoint[] = [];
  for (const split of ['train', 'valid', 'test'] as const) {
    for (let epoch = 1; epoch <= benchmark.protocol.shortEpochs; epoch++) {
      points.push({
        epoch,
        split,
        accuracyPct: benchmark.accuracyAt(index, split, epoch, seed),
        costSeconds: benchmark.costAt(index, split, epoch, seed),
      });
    }
  }
  return points;
}

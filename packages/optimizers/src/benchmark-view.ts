import { InvalidArgumentError } from '@nashpobench2/search-space';

/** Accuracy/cost mode of a query, as in the official API. */
export type QueryMode = 'train' | 'valid' | 'test';

/**
 * The part of the dataset package's `Benchmark` the harness needs (its fast paths by official
 * configuration index). A `Benchmark` satisfies it; tests may pass any object that does.
 */
export interface BenchmarkView {
  /** Protocol of the training runs; `shortEpochs` is the longest fidelity (12). */
  readonly protocol: {
    readonly name: string;
    readonly version: number;
    readonly shortEpochs: number;
    readonly longEpochs: number;
  };
  /** Training seeds stored per configuration, e.g. [222, 555, 888]. */
  readonly seeds: readonly number[];
  /** Accuracy in percent after `iepoch` epochs (1..shortEpochs); seed undefined = mean over seeds. */
  accuracyAt(index: number, mode: QueryMode, iepoch: number, seed?: number): number;
  /** Cost in seconds of the first `iepoch` epochs with the official mode semantics. */
  costAt(index: number, mode: QueryMode, iepoch: number, seed?: number): number;
  /** Long-training (e.g. 200-epoch) test accuracy in percent; NaN when absent. */
  longAccuracyAt(index: number): number;
}

/**
 * What a search may query: validation accuracy and cost only. The harness hands optimizers
 * observations derived from this and nothing else, so test and long accuracy stay out of reach.
 */
export interface SearchOracle {
  /** Longest fidelity, epochs. */
  readonly maxEpochs: number;
  /** Validation accuracy in percent after `epochs` epochs. */
  validAccuracy(index: number, epochs: number): number;
  /** Seconds to train `epochs` epochs and evaluate on the validation set after each. */
  cost(index: number, epochs: number): number;
}

/** A search oracle over `benchmark` at one training seed (undefined = mean over seeds). */
export function validationOracle(benchmark: BenchmarkView, seed?: number): SearchOracle {
  const maxEpochs = benchmark.protocol.shortEpochs;
  return {
    maxEpochs,
    validAccuracy: (index, epochs) => {
      const value = benchmark.accuracyAt(index, 'valid', epochs, seed);
      if (!Number.isFinite(value)) throw missingValue(index, epochs);
      return value;
    },
    cost: (index, epochs) => {
      const value = benchmark.costAt(index, 'valid', epochs, seed);
      if (!Number.isFinite(value)) throw missingValue(index, epochs);
      return value;
    },
  };
}

function missingValue(index: number, epochs: number): InvalidArgumentError {
  return new InvalidArgumentError(
    'optimizers',
    'configuration',
    `${index} at ${epochs} epochs`,
    'configurations the benchmark has short-training values for (use a complete benchmark)',
  );
}

/** Mean over all configurations of the cost of a full-length evaluation (valid mode), seconds. */
export function meanFullEvaluationSeconds(benchmark: BenchmarkView, seed?: number): number {
  const epochs = benchmark.protocol.shortEpochs;
  let sum = 0;
  let count = 0;
  for (let index = 0; index < 196_608; index++) {
    const cost = benchmark.costAt(index, 'valid', epochs, seed);
    if (Number.isFinite(cost)) {
      sum += cost;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** Best values over all configurations, the references of regret. */
export interface BenchmarkOptimum {
  /** Highest short-training test accuracy, percent, keyed by training seed, and 'mean' for the mean over seeds. */
  readonly bestTestAccuracyShortPct: Record<string, number>;
  /** Highest long-training test accuracy, percent (NaN when the benchmark has none). */
  readonly bestTestAccuracyLongPct: number;
}

const optimumCache = new WeakMap<BenchmarkView, BenchmarkOptimum>();

/** Best test accuracies of the benchmark (cached per benchmark object); keys are seeds or 'mean'. */
export function benchmarkOptimum(benchmark: BenchmarkView): BenchmarkOptimum {
  const cached = optimumCache.get(benchmark);
  if (cached) return cached;
  const epochs = benchmark.protocol.shortEpochs;
  const keys: (number | undefined)[] = [...benchmark.seeds, undefined];
  const bestShort: Record<string, number> = {};
  for (const seed of keys) {
    let best = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < 196_608; index++) {
      const value = benchmark.accuracyAt(index, 'test', epochs, seed);
      if (value > best) best = value;
    }
    bestShort[seed === undefined ? 'mean' : String(seed)] = best;
  }
  let bestLong = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < 196_608; index++) {
    const value = benchmark.longAccuracyAt(index);
    if (value > bestLong) bestLong = value;
  }
  const optimum = {
    bestTestAccuracyShortPct: bestShort,
    bestTestAccuracyLongPct: Number.isFinite(bestLong) ? bestLong : Number.NaN,
  };
  optimumCache.set(benchmark, optimum);
  return optimum;
}

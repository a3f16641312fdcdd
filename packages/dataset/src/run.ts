import { type ConfigKey, configAt, InvalidArgumentError } from '@nashpobench2/search-space';
import type { Benchmark } from './benchmark.js';
import type { QueryOptions, QueryResult } from './types.js';

/** One logged query of a run, with the state after it (the official run log's transitions). */
export interface RunTransition {
  /** Configuration queried. */
  key: ConfigKey;
  /** Accuracy returned, percent. */
  accuracy: number;
  /** Cost charged for this query, seconds. */
  cost: number;
  /** Cumulative cost after this query, seconds. */
  totalCost: number;
  /** Best accuracy so far, percent. */
  bestAccuracy: number;
  /** Configuration holding the best accuracy so far. */
  bestKey: ConfigKey;
}

/** Summary of a run, like the official `get_results()`. */
export interface RunResults {
  /** Configuration with the best logged accuracy (the first of ties), or null before any query. */
  bestKey: ConfigKey | null;
  /** Its logged accuracy, percent (valid accuracy when the run queried mode 'valid'); NaN if none. */
  bestValidAccuracy: number;
  /** Cost of the query that found it, seconds; NaN if none. */
  bestCost: number;
  /** Its short-schedule (12-epoch) test accuracy with the run's seed option, percent; NaN if none. */
  testAccuracy12: number;
  /** Its long-schedule (200-epoch) test accuracy, percent; NaN when none or not in the benchmark. */
  testAccuracy200: number;
  /** Cost of all logged queries, seconds. */
  totalCost: number;
  /** Number of logged queries. */
  queries: number;
  /** Every logged query in order. */
  transitions: RunTransition[];
}

/** Options of a `Run`. */
export interface RunOptions {
  /** Seed used by queries that do not name one, and by `results()`; default: mean over seeds. */
  seed?: number;
}

/**
 * Query log like the official API's: logs every short-schedule query (key, accuracy, cumulative
 * cost, best so far); long-schedule queries are answered but not logged, as officially.
 */
export class Run {
  /** The benchmark answering the queries (shared, never modified). */
  readonly benchmark: Benchmark;
  /** Seed option applied when a query gives none. */
  readonly seed: number | undefined;
  readonly #transitions: RunTransition[] = [];
  #totalCost = 0;
  #bestAccuracy = Number.NaN;
  #bestCost = Number.NaN;
  #bestKey: ConfigKey | null = null;

  constructor(benchmark: Benchmark, options: RunOptions = {}) {
    this.benchmark = benchmark;
    if (options.seed !== undefined && !benchmark.seeds.includes(options.seed)) {
      throw new InvalidArgumentError('dataset', 'seed', options.seed, benchmark.seeds.join(', '));
    }
    this.seed = options.seed;
  }

  /** Queries the benchmark and logs the answer when it is a short-schedule query. */
  query(key: ConfigKey, options: QueryOptions = {}): QueryResult {
    const resolved = this.benchmark.resolve(key);
    return this.queryAt(resolved.index, options, {
      cellCode: key.cellCode,
      lr: key.lr,
      batchSize: key.batchSize,
    });
  }

  /** `query` by official configuration index 0..196,607. */
  queryAt(index: number, options: QueryOptions = {}, key?: ConfigKey): QueryResult {
    const withSeed =
      options.seed === undefined && this.seed !== undefined
        ? { ...options, seed: this.seed }
        : options;
    const result = this.benchmark.queryAt(index, withSeed, key);
    if (result.cost === null) return result;

    const logged = key ?? configAt(index);
    this.#totalCost += result.cost;
    if (this.#bestKey === null || this.#bestAccuracy < result.accuracy) {
      this.#bestAccuracy = result.accuracy;
      this.#bestCost = result.cost;
      this.#bestKey = logged;
    }
    this.#transitions.push({
      key: logged,
      accuracy: result.accuracy,
      cost: result.cost,
      totalCost: this.#totalCost,
      bestAccuracy: this.#bestAccuracy,
      bestKey: this.#bestKey,
    });
    return result;
  }

  /** Cost of all logged queries so far, seconds. */
  get totalCost(): number {
    return this.#totalCost;
  }

  /** Best logged accuracy so far, percent; NaN before any query. */
  get bestAccuracy(): number {
    return this.#bestAccuracy;
  }

  /** Configuration of the best logged accuracy, or null. */
  get bestKey(): ConfigKey | null {
    return this.#bestKey;
  }

  /** Number of logged queries. */
  get queryCount(): number {
    return this.#transitions.length;
  }

  /** Best-valid configuration's test accuracy at the short and long schedule, and the transitions. */
  results(): RunResults {
    const best = this.#bestKey;
    let testAccuracy12 = Number.NaN;
    let testAccuracy200 = Number.NaN;
    if (best) {
      const index = this.benchmark.resolve(best).index;
      testAccuracy12 = this.benchmark.queryAt(
        index,
        { mode: 'test', seed: this.seed },
        best,
      ).accuracy;
      testAccuracy200 = this.benchmark.longAccuracyAt(index);
    }
    return {
      bestKey: best,
      bestValidAccuracy: this.#bestAccuracy,
      bestCost: this.#bestCost,
      testAccuracy12,
      testAccuracy200,
      totalCost: this.#totalCost,
      queries: this.#transitions.length,
      transitions: this.#transitions.slice(),
    };
  }
}

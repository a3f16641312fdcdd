import { createRng, InvalidArgumentError, type Rng } from '@nashpobench2/search-space';
import {
  type BenchmarkView,
  benchmarkOptimum,
  meanFullEvaluationSeconds,
  validationOracle,
} from './benchmark-view.js';
import type { OptimizerContext, OptimizerSettings } from './optimizer.js';
import { optimizerDefinition, resolveSettings } from './registry.js';
import { type EvaluationLog, runSearchLoop } from './search-loop.js';

/**
 * Which training seed a run's queries use: 'per-run' (one of the benchmark's seeds drawn per
 * run), 'mean' (the mean over seeds), or one fixed training seed (the authors' scripts query
 * the API's default, the first seed, 222, in every run).
 */
export type QuerySeedMode = 'per-run' | 'mean' | number;

/** Which configuration counts as the incumbent. */
export type IncumbentRule = 'any-fidelity' | 'highest-fidelity';

/** Settings of the harness shared by every run of an experiment. */
export interface HarnessOptions {
  /** Simulated seconds of training cost after which no evaluation starts, > 0. */
  readonly budgetSeconds: number;
  /** Simulated asynchronous workers, integer ≥ 1; default 1. */
  readonly workers?: number;
  /**
   * 'per-run' (default): each run draws one of the benchmark's training seeds and sees that
   * seed's values (validation for the search, test for the score); 'mean': every query
   * returns the mean over seeds; a number: that training seed in every run (222 reproduces the
   * authors' scripts, which never change the API's default seed).
   */
  readonly querySeed?: QuerySeedMode;
  /**
   * 'any-fidelity' (default, the official run log): best validation accuracy over all queries;
   * 'highest-fidelity' (HpBandSter): best on the largest number of epochs evaluated.
   */
  readonly incumbent?: IncumbentRule;
}

/** The best-valid configuration over simulated time, one point per change (columnar). */
export interface Trajectory {
  /** Simulated clock when the incumbent changed, seconds. */
  readonly timeSeconds: number[];
  /** Training seconds charged up to then (equals time with one worker). */
  readonly costSeconds: number[];
  /** Evaluations finished up to then. */
  readonly evaluations: number[];
  /** Incumbent configuration index. */
  readonly index: number[];
  /** Epochs the incumbent was evaluated at. */
  readonly epochs: number[];
  /** Incumbent validation accuracy as seen by the search, percent. */
  readonly validAccuracyPct: number[];
  /** Incumbent test accuracy after the short schedule (12 epochs), percent. */
  readonly testAccuracyShortPct: number[];
  /** Incumbent long-training (200-epoch) test accuracy, percent; NaN when absent. */
  readonly testAccuracyLongPct: number[];
}

/** One seeded run of one optimizer. */
export interface RunResult {
  /** Run seed (integer); the optimizer's random source derives from it. */
  readonly seed: number;
  /** Training seed the run's queries used, or null for the mean over seeds. */
  readonly trainingSeed: number | null;
  /** Evaluations finished. */
  readonly evaluations: number;
  /**
   * Evaluations finished by the harness budget (fewer than `evaluations` only for optimizers that
   * ignore the budget, such as BOHB's fixed 40 iterations); absent in older results files.
   */
  readonly evaluationsByBudget?: number;
  /** Training seconds charged in total. */
  readonly totalCostSeconds: number;
  /** Simulated clock when the last evaluation finished, seconds. */
  readonly endSeconds: number;
  /** Best short-training test accuracy of any configuration at this run's training seed, percent. */
  readonly optimumShortPct: number;
  /** The incumbent over time. */
  readonly trajectory: Trajectory;
}

/** Runs of one optimizer with its settings. */
export interface OptimizerResult {
  /** Optimizer id. */
  readonly id: string;
  /** Complete settings used. */
  readonly settings: OptimizerSettings;
  /** True when the optimizer's own iteration count, not the budget, ended its runs. */
  readonly ignoresBudget: boolean;
  /** One entry per seed. */
  readonly runs: RunResult[];
}

/**
 * Runs optimizer `id` (with `overrides` on its defaults) once with run seed `seed` on
 * `benchmark`. The optimizer only ever sees validation accuracy and cost; test and long
 * accuracies are read afterwards, for the trajectory.
 */
export function runOptimizer(
  benchmark: BenchmarkView,
  id: string,
  seed: number,
  options: HarnessOptions,
  overrides: OptimizerSettings = {},
): RunResult {
  const definition = optimizerDefinition(id);
  const settings = resolveSettings(id, overrides);
  const rng = createRng(seed);
  const optimizerRng = rng.fork(1);
  const harnessRng = rng.fork(2);

  const trainingSeed = querySeedOf(benchmark, options.querySeed ?? 'per-run', harnessRng);
  const oracle = validationOracle(benchmark, trainingSeed);
  const clock = { now: 0 };
  const context: OptimizerContext = {
    rng: optimizerRng,
    maxEpochs: oracle.maxEpochs,
    budgetSeconds: options.budgetSeconds,
    now: () => clock.now,
  };
  const optimizer = definition.create(context, settings);
  const log = runSearchLoop(
    oracle,
    optimizer,
    {
      budgetSeconds: options.budgetSeconds,
      workers: options.workers ?? 1,
      ignoreBudget: definition.ignoresBudget(settings),
    },
    clock,
  );

  const optimum = benchmarkOptimum(benchmark).bestTestAccuracyShortPct;
  const optimumShortPct = optimum[trainingSeed === undefined ? 'mean' : String(trainingSeed)];
  const trajectory = scoreTrajectory(
    benchmark,
    log,
    trainingSeed,
    options.incumbent ?? 'any-fidelity',
  );
  let totalCostSeconds = 0;
  for (const cost of log.costSeconds) totalCostSeconds += cost;
  const endSeconds = log.finishedAtSeconds.at(-1) ?? 0;
  const evaluations = log.index.length;
  let evaluationsByBudget = 0;
  for (const finished of log.finishedAtSeconds) {
    if (finished <= options.budgetSeconds) evaluationsByBudget++;
  }
  return {
    seed,
    trainingSeed: trainingSeed ?? null,
    evaluations,
    evaluationsByBudget,
    totalCostSeconds,
    endSeconds,
    optimumShortPct,
    trajectory,
  };
}

/** The training seed a run queries (undefined = mean over seeds); checks the mode. */
function querySeedOf(
  benchmark: BenchmarkView,
  mode: QuerySeedMode,
  harnessRng: Rng,
): number | undefined {
  if (typeof mode === 'number') {
    if (!benchmark.seeds.includes(mode)) {
      const allowed = `'per-run', 'mean' or a training seed of the benchmark: ${benchmark.seeds.join(', ')}`;
      throw new InvalidArgumentError('optimizers', 'querySeed', mode, allowed);
    }
    return mode;
  }
  if (mode !== 'per-run' && mode !== 'mean') {
    const allowed = "'per-run', 'mean' or a training seed of the benchmark";
    throw new InvalidArgumentError('optimizers', 'querySeed', mode, allowed);
  }
  return mode === 'per-run' && benchmark.seeds.length > 0
    ? harnessRng.pick(benchmark.seeds)
    : undefined;
}

/** The incumbent's trajectory of a finished search, with test values read after the search. */
export function scoreTrajectory(
  benchmark: BenchmarkView,
  log: EvaluationLog,
  trainingSeed: number | undefined,
  rule: IncumbentRule,
): Trajectory {
  const trajectory: Trajectory = {
    timeSeconds: [],
    costSeconds: [],
    evaluations: [],
    index: [],
    epochs: [],
    validAccuracyPct: [],
    testAccuracyShortPct: [],
    testAccuracyLongPct: [],
  };
  const shortEpochs = benchmark.protocol.shortEpochs;
  let bestValid = Number.NEGATIVE_INFINITY;
  let bestEpochs = 0;
  let cost = 0;
  for (let k = 0; k < log.index.length; k++) {
    cost += log.costSeconds[k];
    const valid = log.validAccuracyPct[k];
    const epochs = log.epochs[k];
    const better =
      rule === 'highest-fidelity'
        ? epochs > bestEpochs || (epochs === bestEpochs && valid > bestValid)
        : valid > bestValid;
    if (!better) continue;
    bestValid = valid;
    bestEpochs = epochs;
    const index = log.index[k];
    trajectory.timeSeconds.push(log.finishedAtSeconds[k]);
    trajectory.costSeconds.push(cost);
    trajectory.evaluations.push(k + 1);
    trajectory.index.push(index);
    trajectory.epochs.push(epochs);
    trajectory.validAccuracyPct.push(valid);
    trajectory.testAccuracyShortPct.push(
      benchmark.accuracyAt(index, 'test', shortEpochs, trainingSeed),
    );
    trajectory.testAccuracyLongPct.push(benchmark.longAccuracyAt(index));
  }
  return trajectory;
}

/** Settings of a whole experiment: several optimizers × several seeds. */
export interface ExperimentOptions extends HarnessOptions {
  /** Runs per optimizer, integer ≥ 1; the paper uses 500. */
  readonly runs: number;
  /** Seed of the first run, integer ≥ 0; run r uses seed + r (paired across optimizers). */
  readonly seed?: number;
  /** Setting overrides per optimizer id. */
  readonly settings?: Record<string, OptimizerSettings>;
  /** Called after each finished run with (runs done, runs in total). */
  readonly onRunDone?: (done: number, total: number) => void;
  /**
   * Runs finished before (for example by an interrupted experiment), by `runKey(id, seed)`; they
   * are taken as they are instead of run again. The caller vouches that they were made with the
   * same benchmark, harness options and optimizer settings.
   */
  readonly finishedRuns?: ReadonlyMap<string, RunResult>;
  /** Called with every run computed now (not the `finishedRuns`), as soon as it finishes. */
  readonly onRun?: (id: string, seed: number, run: RunResult) => void;
}

/** Key of one run in `ExperimentOptions.finishedRuns`: optimizer id and run seed. */
export function runKey(id: string, seed: number): string {
  return `${id}#${seed}`;
}

/** Everything a results file holds: benchmark reference values, harness settings, all runs. */
export interface ExperimentResult {
  /** Format marker, always 'nashpobench2-optimizer-results'. */
  readonly kind: 'nashpobench2-optimizer-results';
  /** Format version, integer; 1. */
  readonly formatVersion: 1;
  /** What the runs were measured on. */
  readonly benchmark: {
    readonly protocol: Record<string, unknown>;
    readonly seeds: number[];
    /** Mean cost of one full-length evaluation, seconds. */
    readonly meanFullEvaluationSeconds: number;
    /** Best short-training test accuracy, percent, per training seed and 'mean'. */
    readonly optimumShortPct: Record<string, number>;
    /** Best long-training test accuracy, percent (NaN written as null). */
    readonly optimumLongPct: number;
  };
  /** Harness settings of every run. */
  readonly harness: Required<HarnessOptions> & { runs: number; seeds: number[] };
  /** Results per optimizer, in the order asked. */
  readonly optimizers: OptimizerResult[];
}

/** Runs every optimizer in `ids` for `options.runs` seeds on `benchmark`, in-process. */
export function runExperiment(
  benchmark: BenchmarkView,
  ids: readonly string[],
  options: ExperimentOptions,
): ExperimentResult {
  const seeds = experimentSeeds(options);
  const total = ids.length * seeds.length;
  let done = 0;
  const optimizers = ids.map((id) => {
    const settings = resolveSettings(id, options.settings?.[id]);
    const runs = seeds.map((seed) => {
      const finished = options.finishedRuns?.get(runKey(id, seed));
      const run = finished ?? runOptimizer(benchmark, id, seed, options, settings);
      if (finished === undefined) options.onRun?.(id, seed, run);
      options.onRunDone?.(++done, total);
      return run;
    });
    const ignoresBudget = optimizerDefinition(id).ignoresBudget(settings);
    return { id, settings, ignoresBudget, runs };
  });
  return assembleExperiment(benchmark, options, optimizers);
}

/** The run seeds of an experiment: seed, seed + 1, ..., seed + runs − 1. */
export function experimentSeeds(options: ExperimentOptions): number[] {
  const first = options.seed ?? 0;
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new InvalidArgumentError('optimizers', 'runs', options.runs, 'integers ≥ 1');
  }
  if (!Number.isSafeInteger(first) || first < 0) {
    throw new InvalidArgumentError('optimizers', 'seed', first, 'integers ≥ 0');
  }
  return Array.from({ length: options.runs }, (_, r) => first + r);
}

/** Wraps optimizer results with the benchmark's reference values and the harness settings. */
export function assembleExperiment(
  benchmark: BenchmarkView,
  options: ExperimentOptions,
  optimizers: OptimizerResult[],
): ExperimentResult {
  const optimum = benchmarkOptimum(benchmark);
  return {
    kind: 'nashpobench2-optimizer-results',
    formatVersion: 1,
    benchmark: {
      protocol: { ...benchmark.protocol },
      seeds: [...benchmark.seeds],
      meanFullEvaluationSeconds: meanFullEvaluationSeconds(benchmark),
      optimumShortPct: { ...optimum.bestTestAccuracyShortPct },
      optimumLongPct: optimum.bestTestAccuracyLongPct,
    },
    harness: {
      budgetSeconds: options.budgetSeconds,
      workers: options.workers ?? 1,
      querySeed: options.querySeed ?? 'per-run',
      incumbent: options.incumbent ?? 'any-fidelity',
      runs: options.runs,
      seeds: experimentSeeds(options),
    },
    optimizers,
  };
}

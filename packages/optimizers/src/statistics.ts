import { averageRanks, mean, standardError } from '@nashpobench2/dataset';
import type { ExperimentResult, RunResult, Trajectory } from './experiment.js';

/** Mean, standard error and number of runs that had a value. */
export interface MeanSe {
  /** Mean over runs, NaN when no run had a value. */
  readonly mean: number;
  /** Standard error of the mean (sample std / √n), 0 for n = 1. */
  readonly se: number;
  /** Runs that contributed. */
  readonly n: number;
}

/** Anytime statistics of one optimizer at each cost of the grid. */
export interface CurveSummary {
  /** Test accuracy after the short schedule (12 epochs), percent. */
  readonly testAccuracyShort: MeanSe[];
  /** Long-training (200-epoch) test accuracy, percent. */
  readonly testAccuracyLong: MeanSe[];
  /** Regret: the benchmark's best short test accuracy minus the incumbent's, percent points. */
  readonly regretShort: MeanSe[];
  /** Regret on the long-training test accuracy, percent points. */
  readonly regretLong: MeanSe[];
}

/** Values of one optimizer at one point in simulated time. */
export interface PointSummary {
  /** Incumbent short test accuracy, percent. */
  readonly testAccuracyShort: MeanSe;
  /** Incumbent long test accuracy, percent. */
  readonly testAccuracyLong: MeanSe;
  /** Regret on the short test accuracy, percent points. */
  readonly regretShort: MeanSe;
  /** Regret on the long test accuracy, percent points. */
  readonly regretLong: MeanSe;
  /** Incumbent validation accuracy as the search saw it, percent. */
  readonly validAccuracy: MeanSe;
}

/** Summary of one optimizer. */
export interface OptimizerSummary {
  /** Optimizer id. */
  readonly id: string;
  /** Runs (seeds). */
  readonly runs: number;
  /** Anytime curves on the grid. */
  readonly curve: CurveSummary;
  /** Values at the budget. */
  readonly atBudget: PointSummary;
  /** Values after each run's last evaluation (differs for optimizers that ignore the budget). */
  readonly atEnd: PointSummary;
  /** Evaluations per run finished by the budget. */
  readonly evaluations: MeanSe;
  /** Evaluations per run in all (more than `evaluations` for optimizers that ignore the budget). */
  readonly evaluationsAtEnd: MeanSe;
  /** Simulated seconds when each run's last evaluation finished. */
  readonly endSeconds: MeanSe;
  /** Mean rank (1 = best) of the short test accuracy at the budget, over paired seeds. */
  readonly averageRankShort: number;
  /** Mean rank (1 = best) of the long test accuracy at the budget, over paired seeds. */
  readonly averageRankLong: number;
  /**
   * Short test accuracy at the budget minus the reference optimizer's, per paired seed, percent
   * points (mean ± SE of the differences; 0 ± 0 for the reference itself).
   */
  readonly differenceShort: MeanSe;
  /** The same difference on the long test accuracy, percent points. */
  readonly differenceLong: MeanSe;
}

/** Statistics of a whole experiment. */
export interface ExperimentSummary {
  /** The harness budget, simulated seconds. */
  readonly budgetSeconds: number;
  /** Simulated seconds at which the curves are evaluated, ascending, last = budget. */
  readonly grid: number[];
  /** Id of the optimizer the paired differences are taken against (random search when run). */
  readonly reference: string;
  /** One entry per optimizer, in the experiment's order. */
  readonly optimizers: OptimizerSummary[];
}

/** Position of the incumbent at simulated time `seconds` (last change ≤ it), or −1 before any. */
export function incumbentAt(trajectory: Trajectory, seconds: number): number {
  const times = trajectory.timeSeconds;
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle] <= seconds) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/**
 * `points` log-spaced seconds up to the budget, from the time by which every run of every
 * optimizer has a first result (so each curve point averages all runs).
 */
export function costGrid(result: ExperimentResult, points = 40): number[] {
  const budget = result.harness.budgetSeconds;
  let first = 0;
  for (const optimizer of result.optimizers) {
    for (const run of optimizer.runs) {
      const time = run.trajectory.timeSeconds[0];
      if (time !== undefined && time > first) first = time;
    }
  }
  const start = Math.max(first, budget * 1e-4);
  if (points < 2 || start >= budget) return [budget];
  const ratio = (budget / start) ** (1 / (points - 1));
  return Array.from({ length: points }, (_, k) => (k === points - 1 ? budget : start * ratio ** k));
}

function meanSe(values: number[]): MeanSe {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: Number.NaN, se: Number.NaN, n: 0 };
  return { mean: mean(finite), se: standardError(finite), n: finite.length };
}

function pointValues(runs: RunResult[], optimumLong: number, at: (run: RunResult) => number) {
  const short: number[] = [];
  const long: number[] = [];
  const regretShort: number[] = [];
  const regretLong: number[] = [];
  const valid: number[] = [];
  for (const run of runs) {
    const k = at(run);
    const t = run.trajectory;
    const testShort = k >= 0 ? t.testAccuracyShortPct[k] : Number.NaN;
    const testLong = k >= 0 ? t.testAccuracyLongPct[k] : Number.NaN;
    short.push(testShort);
    long.push(testLong);
    regretShort.push(run.optimumShortPct - testShort);
    regretLong.push(optimumLong - testLong);
    valid.push(k >= 0 ? t.validAccuracyPct[k] : Number.NaN);
  }
  return { short, long, regretShort, regretLong, valid };
}

function pointSummary(values: ReturnType<typeof pointValues>): PointSummary {
  return {
    testAccuracyShort: meanSe(values.short),
    testAccuracyLong: meanSe(values.long),
    regretShort: meanSe(values.regretShort),
    regretLong: meanSe(values.regretLong),
    validAccuracy: meanSe(values.valid),
  };
}

/** Mean ± SE of `values[r] − reference[r]` over the paired runs where both are finite. */
export function pairedDifference(values: number[], reference: number[]): MeanSe {
  const pairs = Math.min(values.length, reference.length);
  return meanSe(Array.from({ length: pairs }, (_, r) => values[r] - reference[r]));
}

/** Mean rank per optimizer (1 = highest value) over paired runs; a missing value ranks last. */
export function averageRankTable(valuesByOptimizer: number[][]): number[] {
  if (valuesByOptimizer.length === 0) return [];
  const pairs = Math.min(...valuesByOptimizer.map((values) => values.length));
  const sums = new Array<number>(valuesByOptimizer.length).fill(0);
  for (let r = 0; r < pairs; r++) {
    // a missing value ranks last; ties among missing values share the last ranks
    const negated = valuesByOptimizer.map((values) =>
      Number.isFinite(values[r]) ? -values[r] : Number.MAX_VALUE,
    );
    const ranks = averageRanks(negated);
    ranks.forEach((rank, o) => {
      sums[o] += rank;
    });
  }
  return sums.map((sum) => (pairs > 0 ? sum / pairs : Number.NaN));
}

/** Anytime curves, budget and end values, and the rank table of an experiment. */
export function summarizeExperiment(
  result: ExperimentResult,
  options: { grid?: number[]; points?: number } = {},
): ExperimentSummary {
  const budget = result.harness.budgetSeconds;
  const grid = options.grid ?? costGrid(result, options.points);
  const optimumLong = result.benchmark.optimumLongPct;

  const atBudgetValues = result.optimizers.map((o) =>
    pointValues(o.runs, optimumLong, (run) => incumbentAt(run.trajectory, budget)),
  );
  const ranksShort = averageRankTable(atBudgetValues.map((v) => v.short));
  const ranksLong = averageRankTable(atBudgetValues.map((v) => v.long));
  const referenceAt = Math.max(
    0,
    result.optimizers.findIndex((o) => o.id === 'random-search'),
  );
  const reference = atBudgetValues[referenceAt];

  const optimizers = result.optimizers.map((optimizer, o) => {
    const curvePoints = grid.map((seconds) =>
      pointSummary(
        pointValues(optimizer.runs, optimumLong, (run) => incumbentAt(run.trajectory, seconds)),
      ),
    );
    const end = pointValues(optimizer.runs, optimumLong, (run) => run.trajectory.index.length - 1);
    return {
      id: optimizer.id,
      runs: optimizer.runs.length,
      curve: {
        testAccuracyShort: curvePoints.map((p) => p.testAccuracyShort),
        testAccuracyLong: curvePoints.map((p) => p.testAccuracyLong),
        regretShort: curvePoints.map((p) => p.regretShort),
        regretLong: curvePoints.map((p) => p.regretLong),
      },
      atBudget: pointSummary(atBudgetValues[o]),
      atEnd: pointSummary(end),
      evaluations: meanSe(optimizer.runs.map((run) => run.evaluationsByBudget ?? run.evaluations)),
      evaluationsAtEnd: meanSe(optimizer.runs.map((run) => run.evaluations)),
      endSeconds: meanSe(optimizer.runs.map((run) => run.endSeconds)),
      averageRankShort: ranksShort[o],
      averageRankLong: ranksLong[o],
      differenceShort: pairedDifference(atBudgetValues[o].short, reference.short),
      differenceLong: pairedDifference(atBudgetValues[o].long, reference.long),
    };
  });
  const referenceId = result.optimizers[referenceAt]?.id ?? '';
  return { budgetSeconds: budget, grid, reference: referenceId, optimizers };
}

/** Per-run short and long test accuracy at the budget, for distribution plots. */
export function finalValues(
  result: ExperimentResult,
): { id: string; seed: number; testAccuracyShortPct: number; testAccuracyLongPct: number }[] {
  const budget = result.harness.budgetSeconds;
  return result.optimizers.flatMap((optimizer) =>
    optimizer.runs.map((run) => {
      const k = incumbentAt(run.trajectory, budget);
      return {
        id: optimizer.id,
        seed: run.seed,
        testAccuracyShortPct: k >= 0 ? run.trajectory.testAccuracyShortPct[k] : Number.NaN,
        testAccuracyLongPct: k >= 0 ? run.trajectory.testAccuracyLongPct[k] : Number.NaN,
      };
    }),
  );
}

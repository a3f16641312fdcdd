import type { RunResult } from '@nashpobench2/optimizers';

/** Which incumbent value an anytime curve follows. */
export type AnytimeMetric = 'testAccuracyShortPct' | 'testAccuracyLongPct' | 'validAccuracyPct';

/** One point of an anytime curve: mean ± standard error over the runs that have an incumbent. */
export interface AnytimePoint {
  /** Simulated training cost, seconds > 0. */
  readonly costSeconds: number;
  /** Mean incumbent value over the runs, percent. */
  readonly mean: number;
  /** Standard error of that mean, percent points; 0 with a single run. */
  readonly standardError: number;
  /** Runs with an incumbent at this cost. */
  readonly runs: number;
}

/** `count` cost points spaced evenly on a log axis from `lowSeconds` to `highSeconds` (both > 0). */
export function logGrid(lowSeconds: number, highSeconds: number, count: number): number[] {
  if (!(lowSeconds > 0) || !(highSeconds >= lowSeconds) || count < 2) return [highSeconds];
  const step = Math.log(highSeconds / lowSeconds) / (count - 1);
  return Array.from({ length: count }, (_, k) => lowSeconds * Math.exp(step * k));
}

/** The incumbent value of a run after `costSeconds` of training cost; NaN before its first result. */
export function incumbentAt(run: RunResult, metric: AnytimeMetric, costSeconds: number): number {
  const costs = run.trajectory.costSeconds;
  let lo = 0;
  let hi = costs.length;
  // Last trajectory point with cost ≤ costSeconds (binary search; costs ascend).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (costs[mid] <= costSeconds) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? Number.NaN : run.trajectory[metric][lo - 1];
}

/**
 * Anytime curve of a set of runs on a cost grid: at each cost, the mean and standard error
 * (sample std / √n) of the incumbent values of the runs that have one. Points where no run has
 * an incumbent yet are left out.
 */
export function anytimeCurve(
  runs: readonly RunResult[],
  metric: AnytimeMetric,
  grid: readonly number[],
): AnytimePoint[] {
  const points: AnytimePoint[] = [];
  for (const costSeconds of grid) {
    const values = runs.map((run) => incumbentAt(run, metric, costSeconds)).filter(Number.isFinite);
    if (values.length === 0) continue;
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance =
      values.length > 1
        ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
        : 0;
    points.push({
      costSeconds,
      mean,
      standardError: Math.sqrt(variance / values.length),
      runs: values.length,
    });
  }
  return points;
}

/**
 * Cost grid of a race: 60 log-spaced points from the cost by which every finished run has a
 * first result (so each point averages all of them, as the optimizers package's `costGrid`
 * does) up to the budget or the longest run. Empty before any run has a result.
 */
export function raceGrid(runs: readonly RunResult[], budgetSeconds: number): number[] {
  let first = 0;
  let last = budgetSeconds;
  let any = false;
  for (const run of runs) {
    const costs = run.trajectory.costSeconds;
    if (costs.length > 0) {
      any = true;
      first = Math.max(first, costs[0]);
    }
    last = Math.max(last, run.totalCostSeconds);
  }
  if (!any) return [];
  return logGrid(first, Math.max(first, last), 60);
}

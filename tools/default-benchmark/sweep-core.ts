/**
 * The default benchmark's sweep without processes or files: which planned runs are left, and a
 * queue that hands them, in plan order, to k lanes (worker processes in `sweep.ts`, a fake
 * trainer in the tests).
 */
import { InvalidArgumentError } from '@nashpobench2/search-space';
import type { PlannedRun } from './plan.js';

/**
 * Relative cost of a run in 12-epoch runs: the long schedule costs longEpochs / shortEpochs per
 * seed it trains (a long seed-study unit trains all its seeds but the first, whose long run it
 * reuses).
 */
export function runCost(run: PlannedRun, shortEpochs = 12, longEpochs = 36): number {
  if (run.schedule !== 'long') return 1;
  const trained = run.seeds ? Math.max(1, run.seeds.length - 1) : 1;
  return (trained * longEpochs) / shortEpochs;
}

/**
 * Key of a planned run in the trainer's finished-unit set (`finishedUnits` of
 * `@nashpobench2/trainer/node`): `run:<cell>/<lr>/<batch size>/<seed>` for a short run,
 * `long:<cell>/<lr>/<batch size>` for a long one, and for a long unit of several seeds
 * `long:<cell>/<lr>/<batch size>/seeds:<seeds, ascending>`, the key `longSeedKeys` gives a long
 * part whose value is the mean over those seeds.
 */
export function finishedKey(run: PlannedRun): string {
  if (run.schedule !== 'long') return `run:${run.cellCode}/${run.lr}/${run.batchSize}/${run.seed}`;
  return longKey(run, run.seeds);
}

/** `long:<cell>/<lr>/<batch size>`, with `/seeds:<distinct seeds, ascending>` when seeds are given. */
function longKey(
  config: { cellCode: string; lr: number; batchSize: number },
  seeds?: readonly number[],
): string {
  const base = `long:${config.cellCode}/${config.lr}/${config.batchSize}`;
  return seeds ? `${base}/seeds:${[...new Set(seeds)].sort((a, b) => a - b).join(',')}` : base;
}

/**
 * Finished keys of long values measured with several seeds (`finishedKey` of the long unit that
 * wrote them): a long seed-study unit is finished when its configuration's long part holds the
 * mean over all its seeds, not merely when the seeds' curves exist.
 */
export function longSeedKeys(
  records: readonly {
    cellCode: string;
    lr: number;
    batchSize: number;
    seeds?: readonly number[];
  }[],
): Set<string> {
  const keys = new Set<string>();
  for (const r of records) {
    if (r.seeds && r.seeds.length >= 2) keys.add(longKey(r, r.seeds));
  }
  return keys;
}

/** A slice of the plan: run i belongs to shard i mod count (as the trainer's round-robin shards). */
export interface PlanShard {
  readonly index: number;
  readonly count: number;
}

/** The runs of `plan` (in its order) that are in `shard` and not in `finished`. */
export function pendingRuns(
  plan: readonly PlannedRun[],
  finished: ReadonlySet<string>,
  shard: PlanShard = { index: 0, count: 1 },
): PlannedRun[] {
  return plan.filter(
    (run, i) => i % shard.count === shard.index && !finished.has(finishedKey(run)),
  );
}

/**
 * One entry of `--first`: a purpose, optionally limited to the grid runs of the first `cells`
 * spanning cells (`grid:8` = the grid of the plan's first 8 spanning cells).
 */
export interface PriorityEntry {
  readonly purpose: PlannedRun['purpose'];
  /** Only for 'grid': the number of spanning cells (in SPANNING_CELLS order) whose grid runs move. */
  readonly cells?: number;
}

const PURPOSES: readonly PlannedRun['purpose'][] = [
  'grid',
  'space-filling',
  'seeds',
  'long',
  'long-seeds',
];

/**
 * Parses `--first` (comma list of `grid`, `grid:N`, `space-filling`, `seeds`, `long`, `long-seeds`); throws a
 * one-line error naming the bad entry and what is allowed.
 */
export function parsePriority(text: string | undefined, spanningCells: number): PriorityEntry[] {
  if (text === undefined) return [];
  return text.split(',').map((raw) => {
    const entry = raw.trim();
    const [purpose, count, ...rest] = entry.split(':');
    const cells = count === undefined ? undefined : Number(count);
    const valid =
      (PURPOSES as readonly string[]).includes(purpose) &&
      rest.length === 0 &&
      (cells === undefined ||
        (purpose === 'grid' && /^\d+$/.test(count) && cells >= 1 && cells <= spanningCells));
    if (!valid) {
      throw new InvalidArgumentError(
        'default-benchmark',
        '--first',
        entry,
        `a comma list of ${PURPOSES.join(', ')}, or grid:N with N in 1..${spanningCells}`,
      );
    }
    return cells === undefined
      ? { purpose: purpose as PlannedRun['purpose'] }
      : { purpose: 'grid', cells };
  });
}

/**
 * `pending` with the runs of the `first` entries moved to the front, in the order the entries are
 * named and plan order within each; the rest follow in plan order. A `grid:N` entry moves the grid
 * runs of the first N spanning cells (`spanningCells`, in plan order), so `grid:8,space-filling`
 * completes 8 cells' grids, then the space-filling design, before the other cells' grids. Used to
 * finish the parts of the plan that a deadline needs before the others; the set of runs and the
 * resume logic are unchanged.
 */
export function prioritize(
  pending: readonly PlannedRun[],
  first: readonly (PlannedRun['purpose'] | PriorityEntry)[],
  spanningCells: readonly string[] = [],
): PlannedRun[] {
  const taken = new Set<PlannedRun>();
  const front: PlannedRun[] = [];
  for (const item of first) {
    const entry = typeof item === 'string' ? { purpose: item } : item;
    const cells =
      entry.cells === undefined ? undefined : new Set(spanningCells.slice(0, entry.cells));
    for (const run of pending) {
      if (taken.has(run) || run.purpose !== entry.purpose) continue;
      if (cells && !cells.has(run.cellCode)) continue;
      taken.add(run);
      front.push(run);
    }
  }
  return [...front, ...pending.filter((run) => !taken.has(run))];
}

/** What one lane reports for one finished run. */
export interface RunOutcome {
  /** Part file written. */
  readonly path: string;
  /** Final valid accuracy (short) or final test accuracy (long), percent. */
  readonly accuracy: number;
  /** Wall seconds of the run. */
  readonly seconds: number;
  /** CPU seconds (user + system) of the process that trained it, during the run. */
  readonly cpuSeconds: number;
}

/** Trains one run on lane `lane` (0-based). */
export type TrainFunction = (run: PlannedRun, lane: number) => Promise<RunOutcome>;

export interface QueueOptions {
  /** Lanes (concurrent runs), integer ≥ 1. */
  readonly parallel: number;
  /** Stop after this many runs were trained (finished or failed); default all. */
  readonly limit?: number;
  /** Give up after this many failures in a row (a broken setup, not one bad run); default 3. */
  readonly maxConsecutiveFailures?: number;
  /** Stops handing out runs; runs in progress finish. */
  readonly signal?: AbortSignal;
  readonly onStart?: (run: PlannedRun, lane: number) => void;
  readonly onDone?: (run: PlannedRun, lane: number, outcome: RunOutcome) => void;
  readonly onFail?: (run: PlannedRun, lane: number, error: Error) => void;
}

export interface QueueSummary {
  readonly trained: number;
  readonly failed: number;
  /** True when stopped by the signal, the limit or consecutive failures before the end. */
  readonly stopped: boolean;
  readonly reason?: 'aborted' | 'limit' | 'failures';
}

/**
 * Runs `runs` in their order on `parallel` lanes: each lane takes the next run as soon as it is
 * free, so the runs start in plan order. A failed run is reported and skipped (a rerun retries
 * it); `maxConsecutiveFailures` failures in a row stop the queue.
 */
export async function runQueue(
  runs: readonly PlannedRun[],
  train: TrainFunction,
  options: QueueOptions,
): Promise<QueueSummary> {
  const { parallel } = options;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new InvalidArgumentError('default-benchmark', 'parallel', parallel, 'integers ≥ 1');
  }
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new InvalidArgumentError('default-benchmark', 'limit', limit, 'integers ≥ 0');
  }
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  let next = 0;
  let started = 0;
  let trained = 0;
  let failed = 0;
  let consecutive = 0;
  let reason: QueueSummary['reason'];

  const lane = async (index: number) => {
    for (;;) {
      if (options.signal?.aborted) reason ??= 'aborted';
      if (consecutive >= maxFailures) reason ??= 'failures';
      if (reason || next >= runs.length) return;
      if (started >= limit) {
        reason ??= 'limit';
        return;
      }
      const run = runs[next++];
      started++;
      options.onStart?.(run, index);
      try {
        const outcome = await train(run, index);
        trained++;
        consecutive = 0;
        options.onDone?.(run, index, outcome);
      } catch (error) {
        failed++;
        consecutive++;
        options.onFail?.(run, index, error as Error);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(parallel, Math.max(runs.length, 1)) }, (_, i) => lane(i)),
  );
  const stopped = reason !== undefined && trained + failed < runs.length;
  return { trained, failed, stopped, reason: stopped ? reason : undefined };
}

/** Sums of a set of planned runs, for progress and the summary. */
export function planTotals(runs: readonly PlannedRun[]): Record<PlannedRun['purpose'], number> & {
  total: number;
  shortEquivalents: number;
} {
  const totals = {
    grid: 0,
    'space-filling': 0,
    seeds: 0,
    long: 0,
    'long-seeds': 0,
    total: 0,
    shortEquivalents: 0,
  };
  for (const run of runs) {
    totals[run.purpose]++;
    totals.total++;
    totals.shortEquivalents += runCost(run);
  }
  return totals;
}

/** A finished run's timing, as `sweep.ts` appends it to `timings.jsonl`. */
export interface RunTiming {
  readonly schedule: PlannedRun['schedule'];
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** Lanes that ran beside it. */
  readonly parallel?: number;
  /** 12-epoch equivalents the unit was planned to train (`runCost`); absent: its schedule's. */
  readonly equivalents?: number;
}

/** How long the rest of a plan takes, from the runs timed so far. */
export interface Estimate {
  /** Runs timed. */
  readonly runs: number;
  /** CPU seconds per 12-epoch equivalent (sum of CPU over sum of equivalents). */
  readonly cpuPerEquivalent: number;
  /** Wall seconds per equivalent of one lane, as measured (includes waiting for a shared CPU). */
  readonly wallPerEquivalent: number;
  /** Equivalents left. */
  readonly equivalentsLeft: number;
  /** Hours for the rest on `lanes` free cores (CPU-bound: one lane per core). */
  readonly hoursOnFreeCores: number;
  /** Hours for the rest with `lanes` lanes at the measured wall rate. */
  readonly hoursAtMeasuredRate: number;
}

/** Estimates the rest of a plan from timings; NaN figures when nothing was timed. */
export function estimateRemaining(
  timings: readonly RunTiming[],
  left: readonly PlannedRun[],
  lanes: number,
  shortEpochs = 12,
  longEpochs = 36,
): Estimate {
  const cost = (schedule: RunTiming['schedule']) =>
    schedule === 'long' ? longEpochs / shortEpochs : 1;
  const equivalents = timings.reduce((n, t) => n + (t.equivalents ?? cost(t.schedule)), 0);
  const cpu = timings.reduce((n, t) => n + t.cpuSeconds, 0);
  const wall = timings.reduce((n, t) => n + t.wallSeconds, 0);
  const cpuPerEquivalent = equivalents > 0 ? cpu / equivalents : Number.NaN;
  const wallPerEquivalent = equivalents > 0 ? wall / equivalents : Number.NaN;
  const equivalentsLeft = left.reduce((n, run) => n + runCost(run, shortEpochs, longEpochs), 0);
  return {
    runs: timings.length,
    cpuPerEquivalent,
    wallPerEquivalent,
    equivalentsLeft,
    hoursOnFreeCores: (equivalentsLeft * cpuPerEquivalent) / lanes / 3600,
    hoursAtMeasuredRate: (equivalentsLeft * wallPerEquivalent) / lanes / 3600,
  };
}

import {
  BATCH_SIZES,
  type CellCode,
  cellClassOf,
  InvalidArgumentError,
  LEARNING_RATES,
  OFFICIAL_REPRESENTATIVES,
  validateCellCode,
} from '@nashpobench2/search-space';

/** One training run of a sweep. */
export interface SweepTask {
  /** Cell code to train (the stored code of its class). */
  readonly cellCode: CellCode;
  /** Initial learning rate, one of `LEARNING_RATES`. */
  readonly lr: number;
  /** Batch size, one of `BATCH_SIZES`. */
  readonly batchSize: number;
  /** Training seed, integer. */
  readonly seed: number;
}

/** What a sweep trains: the cross product of cells × learning rates × batch sizes × seeds. */
export interface SweepGrid {
  /** 'unique' / 'all' (see {@link resolveCells}) or codes, at most one per equivalence class. */
  readonly cells: 'all' | 'unique' | readonly CellCode[];
  /** Learning rates; default all 8 of the grid. */
  readonly learningRates?: readonly number[];
  /** Batch sizes; default all 6 of the grid. */
  readonly batchSizes?: readonly number[];
  /** Seeds, integers; default the protocol's [222, 555, 888]. */
  readonly seeds?: readonly number[];
}

/** A 0-based slice of a sweep: task i belongs to shard i mod count. */
export interface Shard {
  /** Shard index, integer 0..count−1. */
  readonly index: number;
  /** Number of shards, integer ≥ 1. */
  readonly count: number;
}

/**
 * Cells named on the command line: 'unique' = the authors' 1,011 class representatives;
 * 'all' = every one of the 4,096 codes, which the benchmark stores as those same 1,011 classes
 * (one run per class), so it trains the same representatives; otherwise a list of codes, kept as
 * written, at most one per class.
 */
export function resolveCells(selection: 'all' | 'unique' | readonly string[]): CellCode[] {
  if (selection === 'all' || selection === 'unique') return [...OFFICIAL_REPRESENTATIVES];
  const seen = new Map<number, string>();
  const cells: CellCode[] = [];
  for (const code of selection) {
    validateCellCode(code);
    const classId = cellClassOf(code).id;
    const earlier = seen.get(classId);
    if (earlier === code) continue;
    if (earlier !== undefined) {
      throw new InvalidArgumentError(
        'trainer',
        'cells',
        code,
        `one code per equivalence class (it computes the same network as '${earlier}', and a benchmark stores one run per class)`,
      );
    }
    seen.set(classId, code);
    cells.push(code);
  }
  if (cells.length === 0) {
    throw new InvalidArgumentError('trainer', 'cells', '', "'all', 'unique' or cell codes");
  }
  return cells;
}

function checkSubset(name: string, values: readonly number[], allowed: readonly number[]): void {
  for (const value of values) {
    if (!allowed.includes(value)) {
      throw new InvalidArgumentError('trainer', name, value, allowed.join(', '));
    }
  }
  if (values.length === 0) throw new InvalidArgumentError('trainer', name, '', allowed.join(', '));
}

/**
 * The sweep's tasks in a fixed order: cell (as given), then learning rate and batch size
 * ascending (the official index order), then seed as given. Duplicates are rejected.
 */
export function planSweep(grid: SweepGrid): SweepTask[] {
  const learningRates = [...(grid.learningRates ?? LEARNING_RATES)].sort((a, b) => a - b);
  const batchSizes = [...(grid.batchSizes ?? BATCH_SIZES)].sort((a, b) => a - b);
  const seeds = grid.seeds ?? [222, 555, 888];
  checkSubset('lr', learningRates, LEARNING_RATES);
  checkSubset('batchSize', batchSizes, BATCH_SIZES);
  for (const seed of seeds) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
      throw new InvalidArgumentError('trainer', 'seed', seed, 'integers 0..2147483647');
    }
  }
  const unique = (values: readonly number[]) => new Set(values).size === values.length;
  if (!unique(learningRates) || !unique(batchSizes) || !unique(seeds)) {
    const lists = `${learningRates} / ${batchSizes} / ${seeds}`;
    throw new InvalidArgumentError('trainer', 'grid', lists, 'lists without repeated values');
  }
  const cells = resolveCells(grid.cells);

  const tasks: SweepTask[] = [];
  for (const cellCode of cells)
    for (const lr of learningRates)
      for (const batchSize of batchSizes)
        for (const seed of seeds) tasks.push({ cellCode, lr, batchSize, seed });
  return tasks;
}

/**
 * The tasks of one shard: every `count`-th task from `index` (round robin, so each shard gets a
 * balanced mix of batch sizes and cells). The shards of a sweep partition it exactly.
 */
export function shardTasks<T>(tasks: readonly T[], shard: Shard): T[] {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError('trainer', 'shard count', count, 'integers ≥ 1');
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new InvalidArgumentError('trainer', 'shard index', index, `integers 0..${count - 1}`);
  }
  return tasks.filter((_, i) => i % count === index);
}

/** Parses `--shard i/N` (1-based i, as Jest and Playwright write it) into a 0-based shard. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError('trainer', 'shard', text, "'i/N' with 1 ≤ i ≤ N, e.g. '3/10'");
  }
  return { index: index - 1, count };
}

/** Where an array-job shard came from. */
export interface ScheduledShard extends Shard {
  /** The environment variable that gave the index, for example 'SLURM_ARRAY_TASK_ID'. */
  readonly source: string;
}

function integerVariable(env: Record<string, string | undefined>, name: string): number | null {
  const text = env[name];
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value)) {
    throw new InvalidArgumentError('trainer', name, text, 'an integer array-task index or count');
  }
  return value;
}

/**
 * The shard of the current array-job task, read from the scheduler's environment: Slurm
 * (SLURM_ARRAY_TASK_ID with _MIN/_MAX/_STEP or _COUNT), SGE (SGE_TASK_ID with SGE_TASK_FIRST,
 * _LAST, _STEPSIZE), PBS (PBS_ARRAYID or PBS_ARRAY_INDEX) and Kubernetes Indexed Jobs
 * (JOB_COMPLETION_INDEX, 0-based). The index is made 0-based from the array's first index
 * (default 0 for Slurm, PBS and Kubernetes, 1 for SGE). `count` (tasks in the array) overrides the
 * environment and is needed where the scheduler does not export it (PBS, Kubernetes).
 * Returns null outside an array job.
 */
export function shardFromEnvironment(
  env: Record<string, string | undefined>,
  count?: number,
  first?: number,
): ScheduledShard | null {
  const read = (name: string) => integerVariable(env, name);
  const candidates: {
    source: string;
    id: number | null;
    first: number;
    step: number;
    count: number | null;
  }[] = [
    {
      source: 'SLURM_ARRAY_TASK_ID',
      id: read('SLURM_ARRAY_TASK_ID'),
      first: read('SLURM_ARRAY_TASK_MIN') ?? 0,
      step: read('SLURM_ARRAY_TASK_STEP') ?? 1,
      count:
        read('SLURM_ARRAY_TASK_MAX') !== null
          ? Math.floor(
              ((read('SLURM_ARRAY_TASK_MAX') as number) - (read('SLURM_ARRAY_TASK_MIN') ?? 0)) /
                (read('SLURM_ARRAY_TASK_STEP') ?? 1),
            ) + 1
          : read('SLURM_ARRAY_TASK_COUNT'),
    },
    {
      source: 'SGE_TASK_ID',
      id: env.SGE_TASK_ID === 'undefined' ? null : read('SGE_TASK_ID'),
      first: read('SGE_TASK_FIRST') ?? 1,
      step: read('SGE_TASK_STEPSIZE') ?? 1,
      count:
        read('SGE_TASK_LAST') !== null
          ? Math.floor(
              ((read('SGE_TASK_LAST') as number) - (read('SGE_TASK_FIRST') ?? 1)) /
                (read('SGE_TASK_STEPSIZE') ?? 1),
            ) + 1
          : null,
    },
    { source: 'PBS_ARRAYID', id: read('PBS_ARRAYID'), first: 0, step: 1, count: null },
    { source: 'PBS_ARRAY_INDEX', id: read('PBS_ARRAY_INDEX'), first: 0, step: 1, count: null },
    {
      source: 'JOB_COMPLETION_INDEX',
      id: read('JOB_COMPLETION_INDEX'),
      first: 0,
      step: 1,
      count: null,
    },
  ];
  const found = candidates.find((candidate) => candidate.id !== null);
  if (!found) return null;

  const start = first ?? found.first;
  const total = count ?? found.count;
  if (total === null) {
    throw new InvalidArgumentError(
      'trainer',
      'shard count',
      `unknown for ${found.source}`,
      'the number of array tasks, given with --shard-count (or NHB_SHARD_COUNT)',
    );
  }
  const index = ((found.id as number) - start) / found.step;
  if (!Number.isInteger(index) || index < 0 || index >= total) {
    throw new InvalidArgumentError(
      'trainer',
      found.source,
      found.id,
      `array indices ${start}..${start + (total - 1) * found.step} for ${total} tasks (set the first index with --shard-first)`,
    );
  }
  return { index, count: total, source: found.source };
}

/** Stable text key of a task (cell, lr, batch size, seed), used to find finished runs. */
export function taskKey(task: SweepTask): string {
  return `${task.cellCode}/${task.lr}/${task.batchSize}/${task.seed}`;
}

/** One unit of work of a sweep: a short run, or a configuration trained long with its seeds. */
export interface SweepUnit {
  /** The run (short) or the configuration with its first seed (long). */
  readonly task: SweepTask;
  /** Long schedule only: every seed of the configuration, trained one after the other. */
  readonly seeds?: readonly number[];
}

/**
 * The units of a sweep: each task for the short schedule; for the long schedule, one unit per
 * configuration (cell, lr, batch size) holding all its seeds, since its long value is their mean.
 */
export function sweepUnits(tasks: readonly SweepTask[], schedule: 'short' | 'long'): SweepUnit[] {
  if (schedule === 'short') return tasks.map((task) => ({ task }));
  const byConfig = new Map<string, { task: SweepTask; seeds: number[] }>();
  for (const task of tasks) {
    const key = `${task.cellCode}/${task.lr}/${task.batchSize}`;
    const unit = byConfig.get(key);
    if (unit) unit.seeds.push(task.seed);
    else byConfig.set(key, { task, seeds: [task.seed] });
  }
  return [...byConfig.values()];
}

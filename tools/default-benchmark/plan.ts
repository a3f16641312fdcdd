import {
  BATCH_SIZES,
  cellClasses,
  cellClassOf,
  createRng,
  HYPERPARAMETER_PAIR_COUNT,
  LEARNING_RATES,
} from '@nashpobench2/search-space';

/** One training run of the default benchmark's sweep. */
export interface PlannedRun {
  /** Class representative to train. */
  cellCode: string;
  classId: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** 'short' = the protocol's 12-epoch schedule, 'long' = its long schedule. */
  schedule: 'short' | 'long';
  /** Why the run is in the plan. */
  purpose: 'grid' | 'space-filling' | 'seeds' | 'long';
}

/** Cells chosen to span the space; each gets all 48 (lr, batch size) points. */
export const SPANNING_CELLS: readonly string[] = [
  '0|00|000', // all convolutions (conv-heavy)
  '1|11|111', // all pooling (pooling-heavy)
  '2|22|222', // all skips
  '3|33|333', // zero output
  '0|20|002', // convs with skips around them (residual-like)
  '1|01|010', // pooling and convs mixed
  '3|33|033', // a single convolution
  '0|12|012', // one of each non-zero op on several paths
  '2|01|120', // skips, convs and a pool
  '0|30|301', // deep chain conv → conv → pool plus a pool shortcut
];

/** The first seed of the protocol; every run not in the seed study uses it. */
export const PRIMARY_SEED = 222;
/** Further seeds of the seed study. */
export const EXTRA_SEEDS: readonly number[] = [555, 888];

export interface PlanOptions {
  /** Space-filling runs over the remaining classes, a multiple of 48 is balanced; default 432. */
  spaceFillingRuns?: number;
  /** Configurations trained with all three seeds; default 36. */
  seedConfigs?: number;
  /** Configurations trained with the long schedule; default 60. */
  longConfigs?: number;
  /** Seed of the design; default 0. */
  designSeed?: number;
}

function pairAt(pair: number): { lr: number; batchSize: number } {
  return {
    lr: LEARNING_RATES[Math.floor(pair / BATCH_SIZES.length)],
    batchSize: BATCH_SIZES[pair % BATCH_SIZES.length],
  };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const result = items.slice();
  for (let i = result.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/**
 * The sweep that builds the default benchmark, in the order it should run: the four parts are
 * interleaved in proportion to their sizes, so a sweep stopped early still covers each part.
 */
export function planDefaultBenchmark(options: PlanOptions = {}): PlannedRun[] {
  const spaceFillingRuns = options.spaceFillingRuns ?? 432;
  const seedConfigs = options.seedConfigs ?? 36;
  const longConfigs = options.longConfigs ?? 60;
  const designSeed = options.designSeed ?? 0;

  const spanning = SPANNING_CELLS.map((code) => cellClassOf(code));
  const spanningIds = new Set(spanning.map((c) => c.id));

  const grid: PlannedRun[] = shuffled(
    spanning.flatMap((cls) =>
      Array.from({ length: HYPERPARAMETER_PAIR_COUNT }, (_, pair) => ({
        cellCode: cls.representative,
        classId: cls.id,
        ...pairAt(pair),
        seed: PRIMARY_SEED,
        schedule: 'short' as const,
        purpose: 'grid' as const,
      })),
    ),
    designSeed + 1,
  );

  // Balanced design over the other classes: each (lr, batch size) pair gets the same number of
  // runs, each class at most one run, classes drawn in random order.
  const others = shuffled(
    cellClasses().filter((c) => !spanningIds.has(c.id)),
    designSeed + 2,
  );
  const pairOrder = shuffled(
    Array.from({ length: HYPERPARAMETER_PAIR_COUNT }, (_, i) => i),
    designSeed + 3,
  );
  const spaceFilling: PlannedRun[] = others.slice(0, spaceFillingRuns).map((cls, i) => ({
    cellCode: cls.representative,
    classId: cls.id,
    ...pairAt(pairOrder[i % HYPERPARAMETER_PAIR_COUNT]),
    seed: PRIMARY_SEED,
    schedule: 'short',
    purpose: 'space-filling',
  }));

  // Seed study and long runs reuse grid configurations, spread over classes and pairs.
  const seedBase = grid.slice(0, seedConfigs);
  const seeds: PlannedRun[] = seedBase.flatMap((run) =>
    EXTRA_SEEDS.map((seed) => ({ ...run, seed, purpose: 'seeds' as const })),
  );
  const longBase = shuffled(grid, designSeed + 4).slice(0, longConfigs);
  const long: PlannedRun[] = longBase.map((run) => ({
    ...run,
    schedule: 'long',
    purpose: 'long',
  }));

  return interleave([grid, spaceFilling, seeds, long]);
}

/** Merges lists so that each advances in proportion to its length. */
function interleave<T>(lists: T[][]): T[] {
  const total = lists.reduce((n, list) => n + list.length, 0);
  const taken = lists.map(() => 0);
  const result: T[] = [];
  while (result.length < total) {
    let best = -1;
    let bestProgress = Number.POSITIVE_INFINITY;
    lists.forEach((list, i) => {
      if (taken[i] >= list.length) return;
      const progress = (taken[i] + 0.5) / list.length;
      if (progress < bestProgress) {
        bestProgress = progress;
        best = i;
      }
    });
    result.push(lists[best][taken[best]]);
    taken[best]++;
  }
  return result;
}

/** Stable identity of a planned run, used to skip finished runs on resume. */
export function runId(run: PlannedRun): string {
  return `${run.schedule}/${run.cellCode}/${run.lr}/${run.batchSize}/${run.seed}`;
}

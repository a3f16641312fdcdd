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
  purpose: 'grid' | 'space-filling' | 'seeds' | 'long' | 'long-seeds';
  /**
   * A long unit's seeds, when more than `seed` (the long seed study: [222, 555, 888]; the seeds
   * already trained, kept in the parts' `long-runs/`, are reused, not trained again).
   */
  seeds?: readonly number[];
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
  /**
   * Long configurations (the earliest ones) also trained with the extra seeds, so the long
   * target's seed noise is measured; default 12 (at most `longConfigs`).
   */
  longSeedConfigs?: number;
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
 * Orders the 48 (lr, batch size) pairs so that every prefix is spread over the grid: one of the
 * central pairs first (seeded choice), then each next pair is the one farthest (in grid steps, lr axis scaled to
 * the batch-size axis) from all pairs taken so far, ties broken at random.
 */
export function spreadPairOrder(seed: number): number[] {
  const rng = createRng(seed);
  const lrSteps = LEARNING_RATES.length - 1;
  const bsSteps = BATCH_SIZES.length - 1;
  const point = (pair: number) => ({
    x: Math.floor(pair / BATCH_SIZES.length) / lrSteps,
    y: (pair % BATCH_SIZES.length) / bsSteps,
  });
  const left = Array.from({ length: HYPERPARAMETER_PAIR_COUNT }, (_, i) => i);
  // Start at one of the pairs nearest the grid's centre (a typical setting, not a corner).
  const centre = (pair: number) => {
    const p = point(pair);
    return Math.hypot(p.x - 0.5, p.y - 0.5);
  };
  const closest = Math.min(...left.map(centre));
  const central = left.filter((pair) => centre(pair) <= closest + 1e-12);
  const first = central[rng.int(central.length)];
  left.splice(left.indexOf(first), 1);
  const order = [first];
  const nearest = left.map(() => Number.POSITIVE_INFINITY);
  while (left.length > 0) {
    const last = point(order[order.length - 1]);
    let best = -1;
    let bestCount = 0;
    for (let i = 0; i < left.length; i++) {
      const p = point(left[i]);
      nearest[i] = Math.min(nearest[i], Math.hypot(p.x - last.x, p.y - last.y));
      if (best < 0 || nearest[i] > nearest[best] + 1e-12) {
        best = i;
        bestCount = 1;
      } else if (Math.abs(nearest[i] - nearest[best]) <= 1e-12) {
        // Reservoir choice among equally far pairs.
        bestCount++;
        if (rng.int(bestCount) === 0) best = i;
      }
    }
    order.push(left.splice(best, 1)[0]);
    nearest.splice(best, 1);
  }
  return order;
}

/**
 * The sweep that builds the default benchmark, in the order it should run, so that a sweep
 * stopped at any point has the most useful subset:
 * - the grid runs go round-robin over the spanning cells, each cell's 48 pairs in a spread order
 *   (after 10 × k runs every cell has k pairs spread over the grid);
 * - the seed study and the long runs repeat the earliest grid and space-filling configurations
 *   (half each), so their primary-seed short runs are measured before them, and the long target
 *   spans many classes (the surrogate's held-out folds are grouped by class);
 * - the four parts are interleaved in proportion to their sizes, so each advances evenly;
 * - the long seed study comes last: one unit per configuration trains the extra seeds of the
 *   earliest long configurations with the long schedule (their primary seed's long run is reused)
 *   and rewrites the configuration's long value as the mean over the three seeds. Appending it
 *   leaves the order (and the shards) of the runs before it unchanged.
 */
export function planDefaultBenchmark(options: PlanOptions = {}): PlannedRun[] {
  const spaceFillingRuns = options.spaceFillingRuns ?? 432;
  const seedConfigs = options.seedConfigs ?? 36;
  const longConfigs = options.longConfigs ?? 60;
  const longSeedConfigs = Math.min(options.longSeedConfigs ?? 12, longConfigs);
  const designSeed = options.designSeed ?? 0;

  const spanning = SPANNING_CELLS.map((code) => cellClassOf(code));
  const spanningIds = new Set(spanning.map((c) => c.id));

  const cellOrders = spanning.map((_, i) => spreadPairOrder(designSeed * 1000 + 11 + i));
  const grid: PlannedRun[] = [];
  for (let round = 0; round < HYPERPARAMETER_PAIR_COUNT; round++) {
    spanning.forEach((cls, i) => {
      grid.push({
        cellCode: cls.representative,
        classId: cls.id,
        ...pairAt(cellOrders[i][round]),
        seed: PRIMARY_SEED,
        schedule: 'short',
        purpose: 'grid',
      });
    });
  }

  // Balanced design over the other classes: each (lr, batch size) pair gets the same number of
  // runs (in a spread order of pairs), each class at most one run, classes drawn at random.
  const others = shuffled(
    cellClasses().filter((c) => !spanningIds.has(c.id)),
    designSeed + 2,
  );
  const pairOrder = spreadPairOrder(designSeed * 1000 + 3);
  const spaceFilling: PlannedRun[] = others.slice(0, spaceFillingRuns).map((cls, i) => ({
    cellCode: cls.representative,
    classId: cls.id,
    ...pairAt(pairOrder[i % HYPERPARAMETER_PAIR_COUNT]),
    seed: PRIMARY_SEED,
    schedule: 'short',
    purpose: 'space-filling',
  }));

  // Seed study and long runs: earliest configurations, alternating grid and space-filling ones.
  const early = (count: number, skip: number) =>
    interleave([
      grid.slice(skip, skip + Math.ceil(count / 2)),
      spaceFilling.slice(skip, skip + Math.floor(count / 2)),
    ]);
  const seedBase = early(seedConfigs, 0);
  // Both extra seeds of a configuration follow each other, so a stopped sweep has full triples.
  const seeds: PlannedRun[] = seedBase.flatMap((run) =>
    EXTRA_SEEDS.map((seed) => ({ ...run, seed, purpose: 'seeds' as const })),
  );
  const long: PlannedRun[] = early(longConfigs, 0).map((run) => ({
    ...run,
    schedule: 'long',
    purpose: 'long',
  }));

  const longSeeds: PlannedRun[] = long.slice(0, longSeedConfigs).map((run) => ({
    ...run,
    purpose: 'long-seeds',
    seeds: [PRIMARY_SEED, ...EXTRA_SEEDS],
  }));

  return [...interleave([grid, spaceFilling, seeds, long]), ...longSeeds];
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
  const seeds = run.seeds ? run.seeds.join('+') : String(run.seed);
  return `${run.schedule}/${run.cellCode}/${run.lr}/${run.batchSize}/${seeds}`;
}

import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  canonicalForm,
  cellClasses,
  createRng,
  HYPERPARAMETER_PAIR_COUNT,
  InvalidArgumentError,
  LEARNING_RATES,
  networkCost,
  OFFICIAL_LONG_RUN_CELLS,
  OP_CONV,
  parseCellCode,
} from '@nashpobench2/search-space';
import { Benchmark } from './benchmark.js';
import {
  type BenchmarkMetadata,
  FORMAT_VERSION,
  type LongRecord,
  PAPER_PROTOCOL,
  type RunRecord,
} from './types.js';

/** Options of the synthetic benchmark generator (a test fixture, not real data). */
export interface SyntheticOptions {
  /** Number of classes (the first n by id, default all 1,011) or an explicit list of class ids. */
  classes?: number | readonly number[];
  /** Training seeds; default [222, 555, 888]. */
  seeds?: readonly number[];
  /** Seed of the generator, integer; default 0. Same options, same numbers. */
  rngSeed?: number;
  /** Short epochs per run, integer ≥ 1; default 12. */
  epochs?: number;
}

/** Records and metadata of a synthetic benchmark. */
export interface SyntheticData {
  runs: RunRecord[];
  long: LongRecord[];
  metadata: BenchmarkMetadata;
}

const CHANCE_PCT = 10;

function classList(classes: SyntheticOptions['classes']): number[] {
  if (classes === undefined) return Array.from({ length: CELL_CLASS_COUNT }, (_, i) => i);
  if (typeof classes === 'number') {
    if (!Number.isInteger(classes) || classes < 1 || classes > CELL_CLASS_COUNT) {
      throw new InvalidArgumentError(
        'dataset',
        'classes',
        classes,
        `integers 1..${CELL_CLASS_COUNT} or a list of class ids`,
      );
    }
    return Array.from({ length: classes }, (_, i) => i);
  }
  for (const id of classes) {
    if (!Number.isInteger(id) || id < 0 || id >= CELL_CLASS_COUNT) {
      throw new InvalidArgumentError(
        'dataset',
        'classes',
        id,
        `class ids 0..${CELL_CLASS_COUNT - 1}`,
      );
    }
  }
  return [...new Set(classes)].sort((a, b) => a - b);
}

/**
 * Final valid accuracy (percent) of the planted model: more convolutions raise quality but move
 * the best learning rate down, and larger batches move it up, so the best architecture depends
 * on the hyperparameters (the lr × architecture interaction the paper reports).
 */
export function syntheticFinalAccuracy(
  convCount: number,
  lrIndex: number,
  batchIndex: number,
  offset: number,
): number {
  const preferredLr = 6 - convCount + 0.5 * (batchIndex - 2);
  const quality = 62 + 5 * convCount + offset;
  const penalty = 1.2 * (lrIndex - preferredLr) ** 2 + 0.4 * (batchIndex - 2) ** 2;
  return Math.min(95, Math.max(CHANCE_PCT + 2, quality - penalty));
}

function curve(finalPct: number, epoch: number, epochs: number): number {
  const shape = (1 - Math.exp((-3 * epoch) / epochs)) / (1 - Math.exp(-3));
  return CHANCE_PCT + (finalPct - CHANCE_PCT) * shape;
}

function clampPct(value: number): number {
  return Math.min(100, Math.max(0, value));
}

function lossOf(accuracyPct: number): number {
  return -Math.log(Math.max(accuracyPct, 1) / 100) + 0.05;
}

/** Deterministic synthetic runs and long values with a planted lr × architecture interaction. */
export function makeSyntheticRecords(options: SyntheticOptions = {}): SyntheticData {
  const seeds = [...(options.seeds ?? PAPER_PROTOCOL.seeds)];
  const rngSeed = options.rngSeed ?? 0;
  const epochs = options.epochs ?? PAPER_PROTOCOL.shortEpochs;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new InvalidArgumentError('dataset', 'epochs', epochs, 'integers ≥ 1');
  }
  const longCells = new Set(OFFICIAL_LONG_RUN_CELLS);
  const runs: RunRecord[] = [];
  const long: LongRecord[] = [];

  for (const classId of classList(options.classes)) {
    const cellCode = cellClasses()[classId].representative;
    const dead = canonicalForm(cellCode) === 'zero-output';
    const convCount = parseCellCode(cellCode).filter((d) => d === OP_CONV).length;
    const { parameters, flops } = networkCost(cellCode);
    const classRng = createRng((rngSeed * 7919 + classId * 104_729) >>> 0);
    const offset = 1.5 * classRng.normal();

    for (let pair = 0; pair < HYPERPARAMETER_PAIR_COUNT; pair++) {
      const lrIndex = Math.floor(pair / BATCH_SIZES.length);
      const batchIndex = pair % BATCH_SIZES.length;
      const lr = LEARNING_RATES[lrIndex];
      const batchSize = BATCH_SIZES[batchIndex];
      const finalPct = dead
        ? CHANCE_PCT
        : syntheticFinalAccuracy(convCount, lrIndex, batchIndex, offset);
      const epochSeconds = 3 + (flops / 1e6) * 0.05 * Math.sqrt(256 / batchSize);

      const testFinals: number[] = [];
      seeds.forEach((seed, s) => {
        const rng = createRng((rngSeed * 31 + classId * 4801 + pair * 97 + s * 13 + seed) >>> 0);
        const run = makeRun(rng, finalPct, epochs, epochSeconds, dead);
        testFinals.push(run.testAccuracy[epochs - 1]);
        runs.push({
          cellCode,
          classId,
          lr,
          batchSize,
          seed,
          ...run,
          parameters,
          flops,
          measured: true,
          backend: 'synthetic',
        });
      });

      const measured = longCells.has(cellCode);
      const mean = testFinals.reduce((a, b) => a + b, 0) / testFinals.length;
      const longPct = dead ? CHANCE_PCT : clampPct(mean + 4 - 0.3 * Math.abs(lrIndex - 4));
      long.push({
        cellCode,
        classId,
        lr,
        batchSize,
        testAccuracy: longPct,
        testAccuracyStd: measured ? 0.3 : 0.8,
        measured,
        ...(measured ? { seeds: [...seeds] } : {}),
      });
    }
  }

  const metadata: BenchmarkMetadata = {
    formatVersion: FORMAT_VERSION,
    protocol: {
      ...PAPER_PROTOCOL,
      name: 'synthetic',
      shortEpochs: epochs,
      seeds,
      dataSource: 'synthetic (makeSyntheticRecords); not real training results',
    },
    provenance: {
      source: `synthetic, rngSeed ${rngSeed}`,
      createdAt: '1970-01-01T00:00:00.000Z',
      tool: '@nashpobench2/dataset makeSyntheticRecords',
    },
  };
  return { runs, long, metadata };
}

function makeRun(
  rng: ReturnType<typeof createRng>,
  finalPct: number,
  epochs: number,
  epochSeconds: number,
  dead: boolean,
) {
  const series = () => new Array<number>(epochs);
  const out = {
    trainAccuracy: series(),
    trainLoss: series(),
    validAccuracy: series(),
    validLoss: series(),
    testAccuracy: series(),
    testLoss: series(),
    trainSeconds: series(),
    validSeconds: series(),
    testSeconds: series(),
  };
  for (let e = 0; e < epochs; e++) {
    const valid = dead ? CHANCE_PCT : clampPct(curve(finalPct, e + 1, epochs) + 0.3 * rng.normal());
    const train = dead ? CHANCE_PCT : clampPct(valid + 2 + 0.2 * rng.normal());
    const test = dead ? CHANCE_PCT : clampPct(valid - 0.5 + 0.3 * rng.normal());
    out.trainAccuracy[e] = train;
    out.validAccuracy[e] = valid;
    out.testAccuracy[e] = test;
    out.trainLoss[e] = lossOf(train);
    out.validLoss[e] = lossOf(valid);
    out.testLoss[e] = lossOf(test);
    out.trainSeconds[e] = epochSeconds * (1 + 0.02 * rng.normal());
    out.validSeconds[e] = 0.3 * epochSeconds * (1 + 0.02 * rng.normal());
    out.testSeconds[e] = 0.12 * epochSeconds * (1 + 0.02 * rng.normal());
  }
  return out;
}

/** A deterministic synthetic `Benchmark` for tests of other packages (see `makeSyntheticRecords`). */
export function makeSyntheticBenchmark(options: SyntheticOptions = {}): Benchmark {
  const { runs, long, metadata } = makeSyntheticRecords(options);
  return Benchmark.fromRecords(runs, long, metadata);
}

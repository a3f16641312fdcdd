import type { TrainingProtocol } from '@nashpobench2/dataset';
import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  cellClasses,
  createRng,
  InvalidArgumentError,
  LEARNING_RATES,
  networkCost,
  parseCellCode,
} from '@nashpobench2/search-space';
import { type LongRecord, protocolShape, type RunRecord } from './records.js';

/** A small protocol for synthetic data: 12 short epochs, 3 seeds, the paper's network shape. */
export const SYNTHETIC_PROTOCOL: TrainingProtocol = {
  name: 'synthetic',
  version: 1,
  shortEpochs: 12,
  longEpochs: 200,
  imageSize: 32,
  trainImages: 0,
  validImages: 0,
  testImages: 0,
  stemChannels: 16,
  cellsPerStage: 5,
  seeds: [222, 555, 888],
  split: 'synthetic',
  dataSource: 'synthetic response surface (no training)',
};

/** Options of `makeSyntheticTrainingData`. */
export interface SyntheticDataOptions {
  /** Architecture classes with short runs, integer 2..1011; default 60. */
  readonly classes?: number;
  /** (lr, batch size) pairs per class with short runs, integer 1..48; default 8. */
  readonly pairsPerClass?: number;
  /** Configurations (among those with short runs) also given every protocol seed, integer ≥ 0; default 40. */
  readonly replicatedConfigurations?: number;
  /** Configurations (among those with short runs) with a long-training value, integer ≥ 0; default 120. */
  readonly longConfigurations?: number;
  /** Seed of the design and the noise, integer; default 0. */
  readonly seed?: number;
  /** Protocol written into the records; default `SYNTHETIC_PROTOCOL`. */
  readonly protocol?: TrainingProtocol;
}

/** The noise-free truth of the synthetic surface, for checking predictions. */
export interface SyntheticTruth {
  /** Mean long-training test accuracy, percent. */
  readonly longAccuracy: number;
  /** Mean valid accuracy after the last short epoch, percent. */
  readonly finalValidAccuracy: number;
}

/** Synthetic runs and long values with a known response surface. */
export interface SyntheticTrainingData {
  /** Short runs (one or all protocol seeds per configuration). */
  readonly runs: RunRecord[];
  /** Measured long-training values (mean and seed std over the protocol seeds). */
  readonly long: LongRecord[];
  /** The protocol of the records. */
  readonly protocol: TrainingProtocol;
  /** Noise-free truth of any (class, lr, batch size). */
  truth(classId: number, lr: number, batchSize: number): SyntheticTruth;
}

function classQuality(classId: number): { quality: number; longGain: number; connected: boolean } {
  const code = cellClasses()[classId].representative;
  const ops = parseCellCode(code);
  const convs = ops.filter((op) => op === 0).length;
  const pools = ops.filter((op) => op === 1).length;
  // Edges 3 (0→3), 4 (1→3), 5 (2→3) feed the output; a cell without any live path outputs zeros.
  const live = [ops[3] !== 3, ops[0] !== 3 && ops[4] !== 3, ops[1] !== 3 && ops[5] !== 3];
  const connected = live.some(Boolean) || (ops[0] !== 3 && ops[2] !== 3 && ops[5] !== 3);
  const jitter = createRng(9001).fork(classId).normal();
  return {
    quality: 0.6 * convs + 0.15 * pools + 0.3 * jitter - 0.05 * convs * convs,
    longGain: 2 + 1.2 * convs + 0.5 * jitter,
    connected,
  };
}

function surface(classId: number, lr: number, batchSize: number) {
  const { quality, longGain, connected } = classQuality(classId);
  // The best learning rate scales with the batch size (linear scaling), 0.1 at batch 128.
  const lrOffset = Math.log2(lr) - Math.log2((0.1 * batchSize) / 128);
  const lrPenalty = 0.25 * lrOffset * lrOffset;
  const score = quality - lrPenalty - 0.15 * Math.log2(batchSize / 64);
  const finalValid = connected ? 10 + 80 / (1 + Math.exp(-(score - 0.5))) : 10;
  const longAccuracy = connected ? Math.min(97, finalValid + longGain - 0.3 * lrPenalty) : 10;
  return { finalValid, longAccuracy, connected };
}

/** Makes synthetic training data on a hidden, smooth response surface with seed noise (for tests and benches). */
export function makeSyntheticTrainingData(
  options: SyntheticDataOptions = {},
): SyntheticTrainingData {
  const classCount = options.classes ?? 60;
  const pairs = options.pairsPerClass ?? 8;
  if (!Number.isInteger(classCount) || classCount < 2 || classCount > CELL_CLASS_COUNT) {
    throw new InvalidArgumentError('surrogate', 'classes', classCount, 'integers 2..1011');
  }
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > 48) {
    throw new InvalidArgumentError('surrogate', 'pairsPerClass', pairs, 'integers 1..48');
  }
  const protocol = options.protocol ?? SYNTHETIC_PROTOCOL;
  const rng = createRng(options.seed ?? 0);
  const epochs = protocol.shortEpochs;
  const shape = protocolShape(protocol);

  const classIds = Array.from({ length: CELL_CLASS_COUNT }, (_, i) => i);
  for (let i = classIds.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [classIds[i], classIds[j]] = [classIds[j], classIds[i]];
  }
  const design: { classId: number; lr: number; batchSize: number }[] = [];
  for (const classId of classIds.slice(0, classCount)) {
    const pairIds = Array.from({ length: 48 }, (_, i) => i);
    for (let k = 0; k < pairs; k++) {
      const pick = k + rng.int(48 - k);
      [pairIds[k], pairIds[pick]] = [pairIds[pick], pairIds[k]];
      const pair = pairIds[k];
      design.push({
        classId,
        lr: LEARNING_RATES[Math.floor(pair / 6)],
        batchSize: BATCH_SIZES[pair % 6],
      });
    }
  }

  const replicated = new Set<number>();
  const longSet = new Set<number>();
  const order = design.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const i of order.slice(0, options.replicatedConfigurations ?? 40)) replicated.add(i);
  for (const i of order.slice(0, options.longConfigurations ?? 120)) longSet.add(i);

  const runs: RunRecord[] = [];
  const long: LongRecord[] = [];
  design.forEach((config, index) => {
    const code = cellClasses()[config.classId].representative;
    const cost = networkCost(code, shape);
    const truth = surface(config.classId, config.lr, config.batchSize);
    const seeds =
      replicated.has(index) || longSet.has(index) ? protocol.seeds : [protocol.seeds[0]];
    const longValues: number[] = [];
    for (const seed of seeds) {
      const noise = createRng(index * 1009 + seed).fork(1);
      const shift = truth.connected ? noise.normal() * 0.8 : 0;
      const pace = 2.5 + 0.1 * Math.log2(config.batchSize);
      const curve = (e: number) =>
        10 +
        (truth.finalValid + shift - 10) *
          ((1 - Math.exp(-e / pace)) / (1 - Math.exp(-epochs / pace)));
      const valid = Array.from({ length: epochs }, (_, e) =>
        clip(curve(e + 1) + noise.normal() * 0.3),
      );
      const train = valid.map((v, e) => clip(v + (truth.connected ? (3 * (e + 1)) / epochs : 0)));
      const test = valid.map((v) => clip(v + 0.4 + noise.normal() * 0.2));
      const loss = (acc: number) => 2.3 * (1 - (acc - 10) / 95) + 0.05;
      const perImage = (cost.flops / 1e9) * 0.8 * (1 + 32 / config.batchSize);
      const seconds = (scale: number) =>
        Array.from(
          { length: epochs },
          (_, e) => scale * perImage * (e === 0 ? 1.3 : 1) * (1 + 0.03 * noise.normal()),
        );
      runs.push({
        cellCode: code,
        classId: config.classId,
        lr: config.lr,
        batchSize: config.batchSize,
        seed,
        trainAccuracy: train,
        trainLoss: train.map(loss),
        validAccuracy: valid,
        validLoss: valid.map(loss),
        testAccuracy: test,
        testLoss: test.map(loss),
        trainSeconds: seconds(25),
        validSeconds: seconds(4),
        testSeconds: seconds(2),
        parameters: cost.parameters,
        flops: cost.flops,
        measured: true,
        backend: 'synthetic',
      });
      longValues.push(clip(truth.longAccuracy + shift * 0.8 + noise.normal() * 0.3));
    }
    if (longSet.has(index)) {
      const m = longValues.reduce((a, b) => a + b, 0) / longValues.length;
      const variance =
        longValues.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, longValues.length - 1);
      long.push({
        ...config,
        cellCode: code,
        testAccuracy: m,
        testAccuracyStd: Math.sqrt(variance),
        measured: true,
        seeds: [...seeds],
      });
    }
  });

  return {
    runs,
    long,
    protocol,
    truth: (classId, lr, batchSize) => {
      const value = surface(classId, lr, batchSize);
      return { longAccuracy: value.longAccuracy, finalValidAccuracy: value.finalValid };
    },
  };
}

function clip(value: number): number {
  return Math.min(100, Math.max(0, value));
}

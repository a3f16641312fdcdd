/**
 * A stand-in for the trainer in tests: writes part files with the trainer's names and the
 * dataset format, holding runs from a simple known response surface (no training).
 */
import { FORMAT_VERSION, type LongRecord, type RunRecord } from '@nashpobench2/dataset';
import { writeBenchmark } from '@nashpobench2/dataset/node';
import { cellClassOf } from '@nashpobench2/search-space';
import {
  LITE_PROTOCOL,
  longPartName,
  runPartName,
  type TrainerProtocol,
} from '@nashpobench2/trainer/node';
import type { PlannedRun } from './plan.js';
import type { RunOutcome, TrainFunction } from './sweep-core.js';

export const FAKE_PROTOCOL: TrainerProtocol = {
  ...LITE_PROTOCOL,
  dataSource: 'fake trainer (tests)',
};

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** Final accuracy of the fake surface, percent: best near lr 0.05, better for more convolutions. */
export function fakeFinalAccuracy(cellCode: string, lr: number): number {
  const convs = [...cellCode].filter((c) => c === '0').length;
  if (cellClassOf(cellCode).id === cellClassOf('3|33|333').id) return 10;
  const lrTerm = Math.exp(-((Math.log2(lr) - Math.log2(0.05)) ** 2) / 8);
  return 25 + 5 * convs + 25 * lrTerm;
}

/** The fake record of a short run (or a long one, with `epochs`). */
export function fakeRun(
  run: Pick<PlannedRun, 'cellCode' | 'lr' | 'batchSize' | 'seed'>,
  epochs = 12,
): RunRecord {
  const cls = cellClassOf(run.cellCode);
  const final =
    fakeFinalAccuracy(run.cellCode, run.lr) +
    2 * (hash(`${run.cellCode}/${run.lr}/${run.batchSize}/${run.seed}`) - 0.5);
  const curve = (scale: number) =>
    Array.from({ length: epochs }, (_, e) =>
      Math.min(100, scale * final * (1 - Math.exp(-(e + 1) / 3))),
    );
  const loss = (acc: number[]) => acc.map((a) => -Math.log(Math.max(a, 1) / 100) + 0.1);
  const trainAccuracy = curve(1.05);
  const validAccuracy = curve(1);
  const testAccuracy = curve(0.99);
  const seconds = (base: number) =>
    Array.from({ length: epochs }, () => base * (1 + 64 / run.batchSize));
  return {
    cellCode: run.cellCode,
    classId: cls.id,
    lr: run.lr,
    batchSize: run.batchSize,
    seed: run.seed,
    trainAccuracy,
    trainLoss: loss(trainAccuracy),
    validAccuracy,
    validLoss: loss(validAccuracy),
    testAccuracy,
    testLoss: loss(testAccuracy),
    trainSeconds: seconds(20),
    validSeconds: seconds(2),
    testSeconds: seconds(2),
    trainCpuSeconds: seconds(18),
    validCpuSeconds: seconds(1.8),
    testCpuSeconds: seconds(1.8),
    parameters: 1000 + 100 * cls.id,
    flops: 10000 + 1000 * cls.id,
    measured: true,
    backend: 'synthetic',
    device: 'fake trainer',
  } as RunRecord;
}

/**
 * A {@link TrainFunction} writing the fake run's part file into `out` (a long run: the mean
 * final test accuracy of a 36-epoch fake run as the configuration's long value; a long unit of
 * several seeds: their mean and sample std).
 */
export function fakeTrainer(
  out: string,
  options: {
    protocol?: TrainerProtocol;
    calls?: PlannedRun[];
    fail?: (run: PlannedRun) => boolean;
  } = {},
): TrainFunction {
  const protocol = options.protocol ?? FAKE_PROTOCOL;
  const metadata = {
    formatVersion: FORMAT_VERSION,
    protocol,
    provenance: { source: 'fake trainer', createdAt: '2026-12-04T00:00:00.000Z' },
  };
  return async (run): Promise<RunOutcome> => {
    options.calls?.push(run);
    if (options.fail?.(run)) throw new Error(`fake failure of ${run.cellCode}`);
    if (run.schedule === 'long') {
      const record = fakeRun(run, protocol.longEpochs);
      const value = record.testAccuracy[record.testAccuracy.length - 1];
      // Each seed's long value: the fake run's, +3, moved by (seed mod 7 − 3) × 0.1.
      const seeds = run.seeds ?? [run.seed];
      const values = seeds.map((seed) => Math.min(100, value + 3 + ((seed % 7) - 3) * 0.1));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std =
        values.length > 1
          ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))
          : Number.NaN;
      const long: LongRecord = {
        cellCode: run.cellCode,
        classId: record.classId,
        lr: run.lr,
        batchSize: run.batchSize,
        testAccuracy: mean,
        testAccuracyStd: std,
        measured: true,
        seeds: [...seeds],
      };
      const path = `${out}/${longPartName(run)}`;
      await writeBenchmark(path, [], [long], metadata);
      // A long seed-study unit trains all its seeds but the first (reused).
      const trainedSeeds = Math.max(1, seeds.length - (run.seeds ? 1 : 0));
      return { path, accuracy: mean, seconds: 3 * trainedSeeds, cpuSeconds: 2.5 * trainedSeeds };
    }
    const record = fakeRun(run, protocol.shortEpochs);
    const path = `${out}/${runPartName(run)}`;
    await writeBenchmark(path, [record], [], metadata);
    return { path, accuracy: record.validAccuracy[11], seconds: 1, cpuSeconds: 0.75 };
  };
}

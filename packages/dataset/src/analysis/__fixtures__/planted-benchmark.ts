import { BATCH_SIZES, cellClasses, LEARNING_RATES } from '@nashpobench2/search-space';
import { Benchmark } from '../../benchmark.js';
import {
  type BenchmarkMetadata,
  FORMAT_VERSION,
  type LongRecord,
  PAPER_PROTOCOL,
  type RunRecord,
} from '../../types.js';

/** Seed shifts of the valid accuracy, percent points. */
const SEED_SHIFTS = [-0.25, 0, 0.25];

/** The planted 12-epoch valid accuracy (percent) of architecture 0 (A), 1 (B) or 2 (C). */
export function plantedShort(architecture: number, lrIndex: number, batchIndex: number): number {
  if (architecture === 0) return 85 - Math.abs(lrIndex - 1) - Math.abs(batchIndex - 1);
  const peak = architecture === 1 ? 80 : 78;
  return peak - Math.abs(lrIndex - 6) - Math.abs(batchIndex - 4);
}

/** The planted long (200-epoch) test accuracy, percent. */
export function plantedLong(architecture: number, lrIndex: number, batchIndex: number): number {
  return plantedShort(architecture, lrIndex, batchIndex) + (architecture === 2 ? 20 : 10);
}

/** The three-architecture benchmark of README.md (classes 0, 1, 2; three seeds; 12 epochs). */
export function plantedBenchmark(): Benchmark {
  const epochs = PAPER_PROTOCOL.shortEpochs;
  const runs: RunRecord[] = [];
  const long: LongRecord[] = [];
  for (let architecture = 0; architecture < 3; architecture++) {
    const cellCode = cellClasses()[architecture].representative;
    LEARNING_RATES.forEach((lr, lrIndex) => {
      BATCH_SIZES.forEach((batchSize, batchIndex) => {
        const valid = plantedShort(architecture, lrIndex, batchIndex);
        PAPER_PROTOCOL.seeds.forEach((seed, s) => {
          const final = valid + SEED_SHIFTS[s];
          const series = (last: number) =>
            Array.from({ length: epochs }, (_, e) => (e === epochs - 1 ? last : last - 1));
          runs.push({
            cellCode, classId: architecture, lr, batchSize, seed,
            trainAccuracy: series(final + 5), trainLoss: series(0.5),
            validAccuracy: series(final), validLoss: series(0.6),
            testAccuracy: series(final - 1), testLoss: series(0.7),
            trainSeconds: series(10), validSeconds: series(2), testSeconds: series(1),
            parameters: 1000, flops: 1e6, measured: true,
          });
        });
        long.push({
          cellCode, classId: architecture, lr, batchSize,
          testAccuracy: plantedLong(architecture, lrIndex, batchIndex),
          testAccuracyStd: 0.1,
          measured: architecture !== 2,
        });
      });
    });
  }
  const metadata: BenchmarkMetadata = {
    formatVersion: FORMAT_VERSION,
    protocol: { ...PAPER_PROTOCOL, name: 'planted' },
    provenance: { source: 'planted analysis fixture', createdAt: '1970-01-01T00:00:00.000Z' },
  };
  return Benchmark.fromRecords(runs, long, metadata);
}

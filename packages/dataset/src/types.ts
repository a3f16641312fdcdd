import type { ConfigKey } from '@nashpobench2/search-space';

/** Which split an accuracy refers to, and which passes a cost includes (SPEC section 5). */
export type Mode = 'train' | 'valid' | 'test';

/** The three modes in storage order. */
export const MODES: readonly Mode[] = ['train', 'valid', 'test'];

/** Named, complete, versioned description of how the runs were trained (written into every file). */
export interface TrainingProtocol {
  /** Protocol name, for example `'paper'` or `'lite'`. */
  name: string;
  /** Protocol revision, integer ≥ 1. */
  version: number;
  /** Epochs of the short schedule, integer ≥ 1 (12 for both built-in protocols). */
  shortEpochs: number;
  /** Epochs of the long schedule, integer > shortEpochs (200 for 'paper'). */
  longEpochs: number;
  /** Input height and width in pixels (32 for 'paper'). */
  imageSize: number;
  /** Images in the training subset. */
  trainImages: number;
  /** Images in the validation subset. */
  validImages: number;
  /** Images in the test subset. */
  testImages: number;
  /** Channels of the stem and first stage (16 for 'paper'). */
  stemChannels: number;
  /** Identical cells per stage (5 for 'paper'). */
  cellsPerStage: number;
  /** Training seeds of the protocol, for example [222, 555, 888]. */
  seeds: number[];
  /** How train and valid were split, for example `'official split.yaml'`. */
  split: string;
  /** Where the images came from, for example `'cifar-10-binary'`. */
  dataSource: string;
  /** Anything else that defines the protocol: optimizer, augmentation, normalization... */
  [extra: string]: unknown;
}

/** One training run of the short schedule (one class representative, lr, batch size, seed). */
export interface RunRecord {
  /** Cell code that was trained (normally the class representative). */
  cellCode: string;
  /** Class id 0..1010 of `cellCode` (search-space `cellClassOf`). */
  classId: number;
  /** Learning rate, one of `LEARNING_RATES`. */
  lr: number;
  /** Batch size, one of `BATCH_SIZES`. */
  batchSize: number;
  /** Training seed. */
  seed: number;
  /** Train accuracy after each epoch, percent 0..100; length protocol.shortEpochs. */
  trainAccuracy: number[];
  /** Mean train cross-entropy after each epoch. */
  trainLoss: number[];
  /** Valid accuracy after each epoch, percent 0..100. */
  validAccuracy: number[];
  /** Mean valid cross-entropy after each epoch. */
  validLoss: number[];
  /** Test accuracy after each epoch, percent 0..100. */
  testAccuracy: number[];
  /** Mean test cross-entropy after each epoch. */
  testLoss: number[];
  /** Seconds of each epoch's training pass. */
  trainSeconds: number[];
  /** Seconds of each epoch's valid evaluation pass. */
  validSeconds: number[];
  /** Seconds of each epoch's test evaluation pass. */
  testSeconds: number[];
  /**
   * Process CPU seconds (user + system) of each epoch's training pass, when measured; meaningful
   * for single-threaded backends such as WASM, where it does not depend on machine load. Absent
   * for runs recorded before 2026-12-04 or by backends where it could not be measured.
   */
  trainCpuSeconds?: number[];
  /** Process CPU seconds of each epoch's valid evaluation pass, when measured (see trainCpuSeconds). */
  validCpuSeconds?: number[];
  /** Process CPU seconds of each epoch's test evaluation pass, when measured (see trainCpuSeconds). */
  testCpuSeconds?: number[];
  /**
   * Predicted spread of `trainAccuracy` per epoch, percent points ≥ 0: the surrogate's predictive
   * std of the configuration's seed-mean value (the same for every seed of a configuration), NaN
   * where unknown. Only on runs a surrogate completed (`measured: false`); absent on measured runs
   * and in files without the `{mode}_accuracy_std_{e}` columns.
   */
  trainAccuracyStd?: number[];
  /** Predicted spread of `validAccuracy` per epoch, percent points (see trainAccuracyStd). */
  validAccuracyStd?: number[];
  /** Predicted spread of `testAccuracy` per epoch, percent points (see trainAccuracyStd). */
  testAccuracyStd?: number[];
  /**
   * Predicted spread of `trainSeconds` per epoch (one pass, not the cumulative cost), seconds ≥ 0:
   * the surrogate's predictive std of the configuration's seed-mean pass time; NaN where unknown;
   * only on predicted runs (see trainAccuracyStd).
   */
  trainSecondsStd?: number[];
  /** Predicted spread of `validSeconds` per epoch, seconds (see trainSecondsStd). */
  validSecondsStd?: number[];
  /** Predicted spread of `testSeconds` per epoch, seconds (see trainSecondsStd). */
  testSecondsStd?: number[];
  /** Trainable parameters of the network. */
  parameters: number;
  /** Forward multiply-accumulates per image. */
  flops: number;
  /** False when the run was completed by the surrogate rather than trained. */
  measured: boolean;
  /**
   * Totals over all epochs in seconds, when the source recorded them separately (the official
   * data does): the cost at the last epoch then uses them, as the official API does (mode train:
   * `train`; valid: `trainValid`; test: `trainValid + test`). Absent: sums of the per-epoch times.
   */
  totalSeconds?: TotalSeconds;
  /** Compute backend that trained it, for example `'tfjs-node-gpu'`; optional. */
  backend?: string;
  /** Device that trained it, for example `'NVIDIA H200'`; optional. */
  device?: string;
}

/** Recorded totals of one run over all its epochs, seconds. */
export interface TotalSeconds {
  /** Training passes. */
  train: number;
  /** Training plus valid evaluation passes. */
  trainValid: number;
  /** Test evaluation passes. */
  test: number;
}

/** Long-training value of one configuration (class, lr, batch size). */
export interface LongRecord {
  /** Cell code the value is stored under (normally the class representative). */
  cellCode: string;
  /** Class id 0..1010 of `cellCode`. */
  classId: number;
  /** Learning rate, one of `LEARNING_RATES`. */
  lr: number;
  /** Batch size, one of `BATCH_SIZES`. */
  batchSize: number;
  /** Test accuracy after protocol.longEpochs epochs, percent, mean over seeds. */
  testAccuracy: number;
  /** Spread in percent points: seed std if measured, predictive std if predicted; NaN if unknown. */
  testAccuracyStd: number;
  /** True when trained, false when predicted by a surrogate. */
  measured: boolean;
  /** Seeds measured, when measured. */
  seeds?: number[];
}

/** Where a benchmark's numbers came from. */
export interface Provenance {
  /** Short description of the origin, for example `'official pickles (bench12.pkl, ...)'`. */
  source: string;
  /** ISO 8601 time the file was written. */
  createdAt: string;
  /** Tool and version that wrote it, for example `'@nashpobench2/dataset 0.1.0'`. */
  tool?: string;
  /** Anything else worth keeping: hashes of inputs, command lines, surrogate version... */
  [extra: string]: unknown;
}

/** Metadata of a benchmark, stored as Parquet key-value metadata. */
export interface BenchmarkMetadata {
  /** Version of FORMAT.md the data follows, integer ≥ 1. */
  formatVersion: number;
  /** How the runs were trained. */
  protocol: TrainingProtocol;
  /** Where the numbers came from. */
  provenance: Provenance;
  /** Free-form extra metadata. */
  [extra: string]: unknown;
}

/** Options of `Benchmark.query`, with the official meanings (SPEC section 5). */
export interface QueryOptions {
  /** protocol.shortEpochs (alias 12) or protocol.longEpochs (alias 200); default 12. */
  epoch?: number;
  /** Split of the accuracy and passes of the cost; default 'valid'. Ignored for the long epoch, like the official API. */
  mode?: Mode;
  /** Epoch whose accuracy is returned, integer 1..shortEpochs; default shortEpochs. Not allowed for the long epoch. */
  iepoch?: number;
  /** One of the benchmark's seeds; undefined = mean over the seeds that were run. */
  seed?: number;
}

/** Answer of a query: accuracy in percent, cost in seconds (null for the long epoch). */
export interface QueryResult {
  /** Accuracy, percent 0..100. */
  accuracy: number;
  /** Seconds of simulated training cost, or null where the official API gives none. */
  cost: number | null;
}

/** A configuration key together with its official index. */
export interface ResolvedKey extends ConfigKey {
  /** Official configuration index 0..196,607. */
  index: number;
  /** Class id 0..1010 of the cell. */
  classId: number;
  /** The class representative whose data answers the query. */
  representative: string;
}

/** Current version of FORMAT.md written by this package. */
export const FORMAT_VERSION = 1;

/** The paper's protocol (SPEC section 4). */
export const PAPER_PROTOCOL: TrainingProtocol = {
  name: 'paper',
  version: 1,
  shortEpochs: 12,
  longEpochs: 200,
  imageSize: 32,
  trainImages: 25_000,
  validImages: 25_000,
  testImages: 10_000,
  stemChannels: 16,
  cellsPerStage: 5,
  seeds: [222, 555, 888],
  split: 'official split.yaml (25,000 / 25,000 of the CIFAR-10 training images)',
  dataSource: 'CIFAR-10',
  optimizer: 'SGD momentum 0.9 Nesterov, weight decay 5e-4, cosine annealing over the epochs',
  augmentation: 'random 32x32 crop with 4 px zero padding, random horizontal flip (train, valid)',
  normalization: 'mean (125.3, 123.0, 113.9)/255, std (63.0, 62.1, 66.7)/255',
};

import {
  PAPER_PROTOCOL as DATASET_PAPER_PROTOCOL,
  type TrainingProtocol,
} from '@nashpobench2/dataset';
import { InvalidArgumentError } from '@nashpobench2/search-space';

/** A complete, versioned training protocol as this trainer runs it (written into every result). */
export interface TrainerProtocol extends TrainingProtocol {
  /** 32-px CIFAR-10 images are shrunk by averaging factor×factor blocks; 1 = none. */
  readonly downsampleFactor: number;
  /** Zero padding of the random crop, pixels (at the protocol's image size). */
  readonly cropPadding: number;
  /** Random horizontal flip with probability 0.5. */
  readonly horizontalFlip: boolean;
  /** Whether the valid pass sees the same random crop and flip as training (the authors' code). */
  readonly augmentValid: boolean;
  /** Per-channel mean and std on the 0..1 pixel scale (R, G, B). */
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Optimizer and schedule; fixed for every built-in protocol. */
  readonly optimizer: {
    readonly name: 'sgd';
    readonly momentum: number;
    readonly nesterov: boolean;
    readonly weightDecay: number;
    readonly schedule: 'cosine-annealing-per-epoch';
  };
  /** Batch size of the evaluation passes; null = the run's training batch size. */
  readonly evalBatchSize: number | null;
  /** Seed of the stratified split and of the subset choice (where the split is stratified). */
  readonly splitSeed: number;
  /** How `split` was chosen: 'official' (split.yaml, official order only) or 'stratified'. */
  readonly splitKind: 'official' | 'stratified';
}

const CIFAR_NORMALIZATION = {
  mean: [125.3 / 255, 123.0 / 255, 113.9 / 255],
  std: [63.0 / 255, 62.1 / 255, 66.7 / 255],
} as const;

const SGD = {
  name: 'sgd',
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  schedule: 'cosine-annealing-per-epoch',
} as const;

/** SPEC section 4 exactly: 32-px CIFAR-10, 25,000/25,000/10,000 images, the paper's network. */
export const PAPER_PROTOCOL: TrainerProtocol = {
  // Epochs, image size, subset sizes, widths and seeds are the dataset package's paper protocol.
  ...DATASET_PAPER_PROTOCOL,
  split: 'official split.yaml (indices into the official order of data_batch_1..5)',
  splitKind: 'official',
  splitSeed: 0,
  dataSource: 'cifar-10-binary (official release)',
  downsampleFactor: 1,
  cropPadding: 4,
  horizontalFlip: true,
  augmentValid: true,
  normalization: CIFAR_NORMALIZATION,
  optimizer: SGD,
  evalBatchSize: null,
};

/**
 * Reduced protocol for CPUs; values chosen from measurements on a 2-core machine (see README):
 * 16-px images (2×2 average), 5,000/2,000/2,000 images, 8 stem channels, 1 cell per stage.
 */
export const LITE_PROTOCOL: TrainerProtocol = {
  name: 'lite',
  version: 1,
  shortEpochs: 12,
  longEpochs: 36,
  imageSize: 16,
  trainImages: 5_000,
  validImages: 2_000,
  testImages: 2_000,
  stemChannels: 8,
  cellsPerStage: 1,
  seeds: [222, 555, 888],
  split: 'seeded stratified, seed 0 (class-balanced subsets of the 50,000 training images)',
  splitKind: 'stratified',
  splitSeed: 0,
  dataSource: 'cifar-10-binary',
  downsampleFactor: 2,
  cropPadding: 2,
  horizontalFlip: true,
  augmentValid: true,
  normalization: CIFAR_NORMALIZATION,
  optimizer: SGD,
  evalBatchSize: 500,
};

/** Built-in protocols by name. */
export const PROTOCOLS: Readonly<Record<string, TrainerProtocol>> = {
  paper: PAPER_PROTOCOL,
  lite: LITE_PROTOCOL,
};

/** The built-in protocol called `name` ('paper' | 'lite'); throws listing the names otherwise. */
export function protocolByName(name: string): TrainerProtocol {
  const protocol = PROTOCOLS[name];
  if (!protocol) {
    throw new InvalidArgumentError('trainer', 'protocol', name, Object.keys(PROTOCOLS).join(', '));
  }
  return protocol;
}

/**
 * The protocol as applied to a data copy whose order is not the official one: the official
 * split indices do not apply, so a seeded stratified 50/50 split is used and recorded.
 */
export function withStratifiedSplit(
  protocol: TrainerProtocol,
  dataSource: string,
): TrainerProtocol {
  if (protocol.splitKind === 'stratified') return { ...protocol, dataSource };
  return {
    ...protocol,
    splitKind: 'stratified',
    split: `seeded stratified, seed ${protocol.splitSeed} (the data is not in the official order, so split.yaml does not apply)`,
    dataSource,
  };
}

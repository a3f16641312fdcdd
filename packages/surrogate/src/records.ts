import type { NetworkShape } from '@nashpobench2/search-space';

// TODO: these mirror packages/dataset/CONTRACT.md structurally so this package builds while the
// dataset package is being written; switch to `import type` from '@nashpobench2/dataset' once it
// exports RunRecord, LongRecord and TrainingProtocol (every field here is a contract field, so
// the dataset's records are assignable to these and these to the dataset's).

/** One short-schedule training run, as in the dataset contract's `RunRecord`. */
export interface RunRecord {
  /** Class representative that was trained, `'A|BC|DEF'`. */
  cellCode: string;
  /** Architecture class id, 0..1010. */
  classId: number;
  /** Learning rate, one of the grid's eight values. */
  lr: number;
  /** Batch size, one of the grid's six values. */
  batchSize: number;
  /** Training seed. */
  seed: number;
  /** Per-epoch train accuracy, percent. */
  trainAccuracy: number[];
  /** Per-epoch mean train cross-entropy. */
  trainLoss: number[];
  /** Per-epoch valid accuracy, percent. */
  validAccuracy: number[];
  /** Per-epoch valid loss. */
  validLoss: number[];
  /** Per-epoch test accuracy, percent. */
  testAccuracy: number[];
  /** Per-epoch test loss. */
  testLoss: number[];
  /** Seconds of each epoch's training pass. */
  trainSeconds: number[];
  /** Seconds of each epoch's valid evaluation. */
  validSeconds: number[];
  /** Seconds of each epoch's test evaluation. */
  testSeconds: number[];
  /** Trainable parameters of the network. */
  parameters: number;
  /** Forward multiply-accumulates per image. */
  flops: number;
  /** False when the record was completed by the surrogate. */
  measured: boolean;
  /** Training backend, when known. */
  backend?: string;
  /** Training device, when known. */
  device?: string;
}

/** Long-training value of one configuration, as in the dataset contract's `LongRecord`. */
export interface LongRecord {
  /** Class representative, `'A|BC|DEF'`. */
  cellCode: string;
  /** Architecture class id, 0..1010. */
  classId: number;
  /** Learning rate. */
  lr: number;
  /** Batch size. */
  batchSize: number;
  /** Test accuracy after the long schedule, percent, mean over seeds. */
  testAccuracy: number;
  /** Seed standard deviation when measured, predictive standard deviation when predicted. */
  testAccuracyStd: number;
  /** Whether the value was measured by training. */
  measured: boolean;
  /** Seeds measured, when measured. */
  seeds?: number[];
}

/** The parts of the dataset contract's `TrainingProtocol` the surrogate reads. */
export interface ProtocolLike {
  /** Protocol name, e.g. 'paper' or 'lite'. */
  name: string;
  /** Epochs of the short schedule, integer ≥ 1 (12 for the built-in protocols). */
  shortEpochs: number;
  /** Epochs of the long schedule. */
  longEpochs: number;
  /** Input image size in pixels. */
  imageSize: number;
  /** Channels of the stem and first stage. */
  stemChannels: number;
  /** Cells per stage. */
  cellsPerStage: number;
  /** Training seeds of the protocol. */
  seeds: number[];
  [extra: string]: unknown;
}

/** The network shape a protocol trains, for `networkCost`. */
export function protocolShape(protocol: ProtocolLike): NetworkShape {
  return {
    stemChannels: protocol.stemChannels,
    cellsPerStage: protocol.cellsPerStage,
    inputSize: protocol.imageSize,
  };
}

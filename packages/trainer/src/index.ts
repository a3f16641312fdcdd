/**
 * @nashpobench2/trainer: the paper's network and training protocol in TensorFlow.js (browser-safe
 * entry). Files, processes and backend selection are in '@nashpobench2/trainer/node'.
 */
export { type BatchOptions, makeBatch, shuffledIndices } from './augment.js';
export {
  CIFAR10_IMAGE_SIZE,
  CIFAR10_RECORD_BYTES,
  CIFAR10_RECORDS_PER_FILE,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  type Cifar10,
  decodeCifarRecords,
  downsampleImages,
  type ImageSet,
  selectImages,
} from './cifar10.js';
export {
  avgPool3x3IncludePad,
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  BatchNorm,
  Conv2d,
  Linear,
  ParameterStore,
} from './layers.js';
export { createNetwork, type Network, type NetworkOptions } from './network.js';
export {
  isOfficialOrder,
  type OfficialSplit,
  type PreparedData,
  parseOfficialSplit,
  prepareData,
  stratifiedSplit,
} from './prepare-data.js';
export {
  LITE_PROTOCOL,
  PAPER_PROTOCOL,
  PROTOCOLS,
  protocolByName,
  type TrainerProtocol,
  withStratifiedSplit,
} from './protocol.js';
export { pytorchBiasBound, pytorchWeightBound, uniformValues } from './pytorch-init.js';
export { cosineAnnealingLr, NesterovSgd, type SgdOptions } from './sgd.js';
export {
  parseShard,
  planSweep,
  resolveCells,
  type ScheduledShard,
  type Shard,
  type SweepGrid,
  type SweepTask,
  type SweepUnit,
  shardFromEnvironment,
  shardTasks,
  sweepUnits,
  taskKey,
} from './sweep-plan.js';
export { readTar, type TarEntry } from './tar-reader.js';
export { type EpochMetrics, type TrainRunOptions, trainRun } from './train-run.js';

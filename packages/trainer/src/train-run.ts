import type { RunRecord } from '@nashpobench2/dataset';
import {
  type CellCode,
  cellClassOf,
  createRng,
  InvalidArgumentError,
  networkCost,
  type Rng,
} from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import './register-gradients.js';
import { makeBatch, shuffledIndices } from './augment.js';
import type { ImageSet } from './cifar10.js';
import { createNetwork, type Network } from './network.js';
import type { PreparedData } from './prepare-data.js';
import { cosineAnnealingLr, NesterovSgd } from './sgd.js';

/** Metrics of one finished epoch, passed to `onEpochEnd`. */
export interface EpochMetrics {
  /** Epoch number, 1-based. */
  epoch: number;
  /** Learning rate used during this epoch. */
  lr: number;
  trainAccuracy: number;
  trainLoss: number;
  validAccuracy: number;
  validLoss: number;
  testAccuracy: number;
  testLoss: number;
  trainSeconds: number;
  validSeconds: number;
  testSeconds: number;
}

/** Arguments of {@link trainRun}. */
export interface TrainRunOptions {
  /** Data prepared for the protocol (its `protocol` field is the applied protocol). */
  data: PreparedData;
  /** Cell code to train. */
  cellCode: CellCode;
  /** Initial learning rate, > 0. */
  lr: number;
  /** Training batch size, integer ≥ 2. */
  batchSize: number;
  /** Seed of initialization, shuffling and augmentation, integer. */
  seed: number;
  /** Epochs to train, integer ≥ 1; default protocol.shortEpochs (cosine T_max = this). */
  epochs?: number;
  /** Name of the active TensorFlow.js backend to record; default tf.getBackend(). */
  backend?: string;
  /** Device description to record, for example 'cpu (2 cores)'. */
  device?: string;
  /** Called after every epoch with its metrics. */
  onEpochEnd?: (metrics: EpochMetrics) => void;
}

/**
 * Process CPU seconds (user + system) so far, or null where the host has no `process.cpuUsage`
 * (browsers). The WASM backend is single-threaded, so the CPU time of a pass does not grow with
 * the load of a shared machine as its wall time does.
 */
function cpuClock(): (() => number) | null {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return null;
  return () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
}

function crossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const oneHot = tf.oneHot(labels, classes);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)))) as tf.Scalar;
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
}

function toTensors(batch: { pixels: Float32Array; labels: Int32Array }, size: number) {
  const count = batch.labels.length;
  return {
    images: tf.tensor4d(batch.pixels, [count, size, size, 3]),
    labels: tf.tensor1d(batch.labels, 'int32'),
  };
}

function evaluate(
  network: Network,
  set: ImageSet,
  batchSize: number,
  data: PreparedData,
  rng: Rng | null,
  cpuNow: (() => number) | null,
): { accuracy: number; loss: number; seconds: number; cpuSeconds: number } {
  const started = performance.now();
  const cpuStarted = cpuNow ? cpuNow() : Number.NaN;
  const { cropPadding, horizontalFlip, normalization } = data.protocol;
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const indices = Int32Array.from(
      { length: Math.min(batchSize, set.count - start) },
      (_, i) => start + i,
    );
    const batch = makeBatch(set, indices, { cropPadding, horizontalFlip, normalization, rng });
    const [lossValue, correctValue] = tf.tidy(() => {
      const { images, labels } = toTensors(batch, set.size);
      const logits = network.forward(images, false);
      const classes = network.shape.classCount;
      return [crossEntropySum(logits, labels, classes), countCorrect(logits, labels)];
    });
    lossSum += lossValue.dataSync()[0];
    correct += correctValue.dataSync()[0];
    lossValue.dispose();
    correctValue.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuNow ? cpuNow() - cpuStarted : Number.NaN;
  return { accuracy: (100 * correct) / set.count, loss: lossSum / set.count, seconds, cpuSeconds };
}

/**
 * Trains one configuration under the data's protocol (SPEC section 4): per epoch, a shuffled
 * training pass with augmentation (train accuracy and loss measured on the fly, as the authors'
 * code does), then evaluation passes on valid (augmented when the protocol says so) and test
 * with batch-norm running statistics. Learning rate follows cosine annealing stepped per epoch.
 * The active TensorFlow.js backend is used; select it first (see `selectBackend`).
 */
export async function trainRun(options: TrainRunOptions): Promise<RunRecord> {
  const { data, cellCode, lr, batchSize, seed } = options;
  const protocol = data.protocol;
  const epochs = options.epochs ?? protocol.shortEpochs;
  if (!(lr > 0)) throw new InvalidArgumentError('trainer', 'lr', lr, 'numbers > 0');
  if (!Number.isInteger(batchSize) || batchSize < 2) {
    throw new InvalidArgumentError('trainer', 'batchSize', batchSize, 'integers ≥ 2');
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new InvalidArgumentError('trainer', 'epochs', epochs, 'integers ≥ 1');
  }
  await tf.ready();

  const shape = {
    stemChannels: protocol.stemChannels,
    cellsPerStage: protocol.cellsPerStage,
    inputSize: protocol.imageSize,
  };
  const rng = createRng(seed);
  const network = createNetwork(cellCode, { ...shape, seed: rng.fork(1).int(2 ** 31) });
  const shuffleRng = rng.fork(2);
  const augmentRng = rng.fork(3);
  const validRng = rng.fork(4);
  const optimizer = new NesterovSgd({
    momentum: protocol.optimizer.momentum,
    weightDecay: protocol.optimizer.weightDecay,
    nesterov: protocol.optimizer.nesterov,
  });
  const variables = network.trainable.map((p) => p.variable);
  const evalBatchSize = protocol.evalBatchSize ?? batchSize;
  const { cropPadding, horizontalFlip, normalization } = protocol;
  const classes = network.shape.classCount;
  const train = data.train;

  const record: RunRecord = {
    cellCode,
    classId: cellClassOf(cellCode).id,
    lr,
    batchSize,
    seed,
    trainAccuracy: [],
    trainLoss: [],
    validAccuracy: [],
    validLoss: [],
    testAccuracy: [],
    testLoss: [],
    trainSeconds: [],
    validSeconds: [],
    testSeconds: [],
    parameters: network.parameterCount,
    flops: networkCost(cellCode, shape).flops,
    measured: true,
    backend: options.backend ?? tf.getBackend(),
    device: options.device,
  };
  const cpuNow = cpuClock();
  const cpu = cpuNow
    ? { train: [] as number[], valid: [] as number[], test: [] as number[] }
    : null;

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochLr = cosineAnnealingLr(lr, epoch, epochs);
      const started = performance.now();
      const cpuStarted = cpuNow ? cpuNow() : Number.NaN;
      const order = shuffledIndices(train.count, shuffleRng);
      let correct = 0;
      let lossSum = 0;
      for (let start = 0; start < train.count; start += batchSize) {
        const indices = order.subarray(start, Math.min(start + batchSize, train.count));
        const batch = makeBatch(train, indices, {
          cropPadding,
          horizontalFlip,
          normalization,
          rng: augmentRng,
        });
        const { images, labels } = toTensors(batch, train.size);
        let batchCorrect: tf.Scalar | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const logits = network.forward(images, true);
          batchCorrect = tf.keep(countCorrect(logits, labels));
          return tf.div(crossEntropySum(logits, labels, classes), indices.length) as tf.Scalar;
        }, variables);
        optimizer.step(epochLr, variables, grads);
        lossSum += value.dataSync()[0] * indices.length;
        correct += (batchCorrect as unknown as tf.Scalar).dataSync()[0];
        tf.dispose([images, labels, value, batchCorrect as unknown as tf.Scalar]);
        tf.dispose(Object.values(grads));
      }
      const trainSeconds = (performance.now() - started) / 1000;
      const trainCpuSeconds = cpuNow ? cpuNow() - cpuStarted : Number.NaN;

      const validRngOrNull = protocol.augmentValid ? validRng : null;
      const valid = evaluate(network, data.valid, evalBatchSize, data, validRngOrNull, cpuNow);
      const test = evaluate(network, data.test, evalBatchSize, data, null, cpuNow);

      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        lr: epochLr,
        trainAccuracy: (100 * correct) / train.count,
        trainLoss: lossSum / train.count,
        validAccuracy: valid.accuracy,
        validLoss: valid.loss,
        testAccuracy: test.accuracy,
        testLoss: test.loss,
        trainSeconds,
        validSeconds: valid.seconds,
        testSeconds: test.seconds,
      };
      record.trainAccuracy.push(metrics.trainAccuracy);
      record.trainLoss.push(metrics.trainLoss);
      record.validAccuracy.push(metrics.validAccuracy);
      record.validLoss.push(metrics.validLoss);
      record.testAccuracy.push(metrics.testAccuracy);
      record.testLoss.push(metrics.testLoss);
      record.trainSeconds.push(trainSeconds);
      record.validSeconds.push(valid.seconds);
      record.testSeconds.push(test.seconds);
      cpu?.train.push(trainCpuSeconds);
      cpu?.valid.push(valid.cpuSeconds);
      cpu?.test.push(test.cpuSeconds);
      options.onEpochEnd?.(metrics);
    }
  } finally {
    optimizer.dispose();
    network.dispose();
  }
  if (cpu) {
    record.trainCpuSeconds = cpu.train;
    record.validCpuSeconds = cpu.valid;
    record.testCpuSeconds = cpu.test;
  }
  return record;
}

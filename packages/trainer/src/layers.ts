import type { Rng } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { pytorchBiasBound, pytorchWeightBound, uniformValues } from './pytorch-init.js';
import {
  batchNormInference,
  batchNormRunningUpdate,
  batchNormTraining,
  conv2dWithBias,
  avgPool3x3IncludePad as fusedAvgPool3x3,
} from './wasm-kernels/index.js';

/** PyTorch's batch-norm defaults: running = (1 − momentum)·running + momentum·batch. */
export const BATCH_NORM_MOMENTUM = 0.1;
/** PyTorch's batch-norm ε added to the variance. */
export const BATCH_NORM_EPSILON = 1e-5;

let storeCounter = 0;

/** Collects a network's trainable variables and batch-norm running statistics as they are made. */
export class ParameterStore {
  /** Trainable variables in creation order, each with a readable name. */
  readonly trainable: { name: string; variable: tf.Variable }[] = [];
  /** Non-trainable running statistics (batch-norm mean and variance). */
  readonly buffers: tf.Variable[] = [];

  private readonly prefix = `net${++storeCounter}/`;

  constructor(readonly rng: Rng) {}

  /** A trainable variable filled with `values` in the given shape. */
  add(name: string, shape: number[], values: Float32Array): tf.Variable {
    // tf.variable keeps its own reference to the data, so the initial tensor is released here.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape), true, this.prefix + name));
    this.trainable.push({ name, variable });
    return variable;
  }

  /** A non-trainable variable (running statistic). */
  buffer(name: string, shape: number[], fill: number): tf.Variable {
    const variable = tf.tidy(() => tf.variable(tf.fill(shape, fill), false, this.prefix + name));
    this.buffers.push(variable);
    return variable;
  }

  /** Releases every variable. */
  dispose(): void {
    for (const { variable } of this.trainable) variable.dispose();
    for (const variable of this.buffers) variable.dispose();
  }
}

/** A k×k convolution in NHWC with PyTorch's explicit symmetric zero padding and default init. */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    store: ParameterStore,
    name: string,
    inChannels: number,
    outChannels: number,
    readonly kernel: number,
    readonly stride: number,
    readonly padding: number,
    withBias: boolean,
  ) {
    const fanIn = inChannels * kernel * kernel;
    const shape = [kernel, kernel, inChannels, outChannels];
    const size = shape.reduce((a, b) => a * b, 1);
    this.weight = store.add(
      `${name}.weight`,
      shape,
      uniformValues(size, pytorchWeightBound(fanIn), store.rng),
    );
    this.bias = withBias
      ? store.add(
          `${name}.bias`,
          [outChannels],
          uniformValues(outChannels, pytorchBiasBound(fanIn), store.rng),
        )
      : null;
  }

  /** Applies the convolution (and bias) to an NHWC batch. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const pad = this.padding === 0 ? 'valid' : this.padding;
    const filter = this.weight as tf.Tensor4D;
    if (!this.bias) return tf.conv2d(x, filter, this.stride, pad);
    // The bias is added inside the convolution (as tf.fused.conv2d does) instead of by a
    // separate broadcasting add over the whole output; the gradient computes only what the
    // tape needs (no input gradient for the stem, whose input is the images).
    return conv2dWithBias(x, filter, this.bias as tf.Tensor1D, this.stride, pad);
  }
}

/** Batch norm over the channel axis of NHWC with PyTorch's semantics and running statistics. */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVariance: tf.Variable;

  constructor(store: ParameterStore, name: string, channels: number) {
    this.gamma = store.add(`${name}.weight`, [channels], new Float32Array(channels).fill(1));
    this.beta = store.add(`${name}.bias`, [channels], new Float32Array(channels));
    this.runningMean = store.buffer(`${name}.running_mean`, [channels], 0);
    this.runningVariance = store.buffer(`${name}.running_var`, [channels], 1);
  }

  /**
   * Training: normalizes by the batch's biased variance and updates the running statistics with
   * the unbiased one (as PyTorch does). Evaluation: normalizes by the running statistics.
   */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) {
      return batchNormInference(
        x,
        this.runningMean as tf.Tensor1D,
        this.runningVariance as tf.Tensor1D,
        this.gamma as tf.Tensor1D,
        this.beta as tf.Tensor1D,
        BATCH_NORM_EPSILON,
      ) as tf.Tensor4D;
    }

    // One fused kernel per direction where the backend has it (see wasm-kernels/batch-norm.ts).
    const { y, mean, variance } = batchNormTraining(
      x,
      this.gamma as tf.Tensor1D,
      this.beta as tf.Tensor1D,
      BATCH_NORM_EPSILON,
    );
    const count = x.size / x.shape[3];
    const unbiased = count > 1 ? count / (count - 1) : 1;
    const m = BATCH_NORM_MOMENTUM;
    // One kernel (not six ops on the gradient tape) where the backend has it; the same bits.
    const [newMean, newVariance] = batchNormRunningUpdate(
      this.runningMean as tf.Tensor1D,
      this.runningVariance as tf.Tensor1D,
      mean,
      variance,
      m,
      m * unbiased,
    );
    this.runningMean.assign(newMean);
    this.runningVariance.assign(newVariance);
    // The gradient keeps its own references; only y leaves this layer.
    tf.dispose([newMean, newVariance, mean, variance]);
    return y as tf.Tensor4D;
  }
}

/**
 * 3×3 average pooling, stride 1, padding 1, counting the zero padding in every average
 * (PyTorch's `count_include_pad=True`).
 */
export function avgPool3x3IncludePad(x: tf.Tensor4D): tf.Tensor4D {
  // One self-adjoint kernel where the backend has it, else zero padding and a valid pooling.
  return fusedAvgPool3x3(x);
}

/** Fully connected layer with PyTorch's default init; weight shape [in, out]. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParameterStore, name: string, inFeatures: number, outFeatures: number) {
    const size = inFeatures * outFeatures;
    this.weight = store.add(
      `${name}.weight`,
      [inFeatures, outFeatures],
      uniformValues(size, pytorchWeightBound(inFeatures), store.rng),
    );
    this.bias = store.add(
      `${name}.bias`,
      [outFeatures],
      uniformValues(outFeatures, pytorchBiasBound(inFeatures), store.rng),
    );
  }

  /** Applies the layer to a [batch, in] matrix. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight as tf.Tensor2D), this.bias);
  }
}

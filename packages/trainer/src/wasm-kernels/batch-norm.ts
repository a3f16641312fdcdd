/**
 * Batch norm in training mode as one fused kernel per direction, for the backends whose data
 * lives in this process ('wasm', 'cpu'). Composed from stock ops, the forward pass costs
 * `moments` (mean, subtract, square, mean) plus `batchNorm`, and its gradient a dozen
 * broadcasting ops (`Tile` alone was the second most expensive kernel of a WASM step); here each
 * direction is two passes over memory, with per-channel sums in float64:
 * - forward: mean and biased variance (sums shifted by the first pixel), then
 *   y = γ·(x − μ)/√(σ² + ε) + β;
 * - backward (closed form): with a = γ/√(σ² + ε), dβ = Σdy, dγ = Σdy·(x − μ)/√(σ² + ε),
 *   dx = a·(dy − dβ/M − (x − μ)·dγ/(M·√(σ² + ε))), plus the terms of any gradient that
 *   reaches the mean and variance outputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat32, hostTensors } from './host-tensors.js';

/** Kernel of the forward pass: inputs x, scale, offset; outputs y, mean, biased variance. */
export const BATCH_NORM_TRAINING = 'NhbBatchNormTraining';
/** Kernel of the backward pass: inputs dy, x, scale, mean, variance, dMean, dVariance. */
export const BATCH_NORM_TRAINING_GRAD = 'NhbBatchNormTrainingGrad';

/** Pixels per block of the channel loops: small enough for L1, large enough to amortize. */
const BLOCK_PIXELS = 512;

/** y = x·a[c] + b[c] over the channel-last `x`, in cache-sized blocks. */
function affine(x: Float32Array, y: Float32Array, a: Float64Array, b: Float64Array): void {
  const channels = a.length;
  const block = BLOCK_PIXELS * channels;
  for (let start = 0; start < x.length; start += block) {
    const end = Math.min(x.length, start + block);
    for (let c = 0; c < channels; c++) {
      const ac = a[c];
      const bc = b[c];
      for (let i = start + c; i < end; i += channels) y[i] = x[i] * ac + bc;
    }
  }
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function forwardKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
    assertFloat32(BATCH_NORM_TRAINING, { x, scale, offset });
    const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
    const channels = x.shape[x.shape.length - 1];
    const host = hostTensors(backend, backendName);
    const yInfo = host.alloc(x.shape);
    const meanInfo = host.alloc([channels]);
    const varianceInfo = host.alloc([channels]);
    const [xs, ys, gamma, beta] = [x, yInfo, scale, offset].map((t) => host.view(t));
    const [meanOut, varianceOut] = [meanInfo, varianceInfo].map((t) => host.view(t));

    const pixels = xs.length / channels;
    const shift = Float64Array.from(xs.subarray(0, channels));
    const sum = new Float64Array(channels);
    const sumSquares = new Float64Array(channels);
    const block = BLOCK_PIXELS * channels;
    for (let start = 0; start < xs.length; start += block) {
      const end = Math.min(xs.length, start + block);
      for (let c = 0; c < channels; c++) {
        const k = shift[c];
        let s = 0;
        let q = 0;
        for (let i = start + c; i < end; i += channels) {
          const d = xs[i] - k;
          s += d;
          q += d * d;
        }
        sum[c] += s;
        sumSquares[c] += q;
      }
    }

    const a = new Float64Array(channels);
    const b = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      const mean = shift[c] + sum[c] / pixels;
      const variance = Math.max(0, (sumSquares[c] - (sum[c] * sum[c]) / pixels) / pixels);
      meanOut[c] = mean;
      varianceOut[c] = variance;
      a[c] = gamma[c] / Math.sqrt(variance + epsilon);
      b[c] = beta[c] - mean * a[c];
    }
    affine(xs, ys, a, b);
    return [yInfo, meanInfo, varianceInfo];
  };
}

function backwardKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { dy, x, scale, mean, variance, dMean, dVariance } = inputs as Record<
      string,
      tf.TensorInfo
    >;
    assertFloat32(BATCH_NORM_TRAINING_GRAD, { dy, x, scale, mean, variance });
    const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
    const channels = x.shape[x.shape.length - 1];
    const host = hostTensors(backend, backendName);
    const dxInfo = host.alloc(x.shape);
    const dScaleInfo = host.alloc([channels]);
    const dOffsetInfo = host.alloc([channels]);
    const [dys, xs, gamma, mu, sigma2] = [dy, x, scale, mean, variance].map((t) => host.view(t));
    const [dxs, dScale, dOffset] = [dxInfo, dScaleInfo, dOffsetInfo].map((t) => host.view(t));
    const dMu = dMean ? host.view(dMean) : null;
    const dSigma2 = dVariance ? host.view(dVariance) : null;

    const pixels = xs.length / channels;
    const sumDy = new Float64Array(channels);
    const sumDyCentered = new Float64Array(channels);
    const block = BLOCK_PIXELS * channels;
    for (let start = 0; start < xs.length; start += block) {
      const end = Math.min(xs.length, start + block);
      for (let c = 0; c < channels; c++) {
        const m = mu[c];
        let s = 0;
        let sc = 0;
        for (let i = start + c; i < end; i += channels) {
          const g = dys[i];
          s += g;
          sc += g * (xs[i] - m);
        }
        sumDy[c] += s;
        sumDyCentered[c] += sc;
      }
    }

    // dx = dy·a + x·q + r per channel (the closed form, expanded so one pass computes it).
    const a = new Float64Array(channels);
    const q = new Float64Array(channels);
    const r = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      const inverseStd = 1 / Math.sqrt(sigma2[c] + epsilon);
      a[c] = gamma[c] * inverseStd;
      dOffset[c] = sumDy[c];
      dScale[c] = sumDyCentered[c] * inverseStd;
      const extraMean = dMu ? dMu[c] / pixels : 0;
      const extraVariance = dSigma2 ? (2 * dSigma2[c]) / pixels : 0;
      q[c] = (-a[c] * inverseStd * inverseStd * sumDyCentered[c]) / pixels + extraVariance;
      r[c] = (-a[c] * sumDy[c]) / pixels - mu[c] * q[c] + extraMean;
    }
    const blockAll = BLOCK_PIXELS * channels;
    for (let start = 0; start < xs.length; start += blockAll) {
      const end = Math.min(xs.length, start + blockAll);
      for (let c = 0; c < channels; c++) {
        const ac = a[c];
        const qc = q[c];
        const rc = r[c];
        for (let i = start + c; i < end; i += channels) dxs[i] = dys[i] * ac + xs[i] * qc + rc;
      }
    }
    return [dxInfo, dScaleInfo, dOffsetInfo];
  };
}

let registered = false;

/** Registers both kernels for 'wasm' and 'cpu' and the gradient of the forward one; idempotent. */
export function registerBatchNormKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu'] as const) {
    tf.registerKernel({
      kernelName: BATCH_NORM_TRAINING,
      backendName,
      kernelFunc: forwardKernel(backendName) as unknown as tf.KernelFunc,
    });
    tf.registerKernel({
      kernelName: BATCH_NORM_TRAINING_GRAD,
      backendName,
      kernelFunc: backwardKernel(backendName) as unknown as tf.KernelFunc,
    });
  }
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAINING,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dMean, dVariance] = dys as tf.Tensor[];
      const [x, scale, mean, variance] = saved;
      const [dx, dScale, dOffset] = tf
        .engine()
        .runKernel(
          BATCH_NORM_TRAINING_GRAD,
          { dy, x, scale, mean, variance, dMean, dVariance },
          attrs,
        ) as tf.Tensor[];
      return { x: () => dx, scale: () => dScale, offset: () => dOffset };
    },
  });
}

/** Output of {@link batchNormTraining}. */
export interface BatchNormTrainingResult {
  /** Normalized, scaled and shifted input, same shape as x. */
  readonly y: tf.Tensor;
  /** Batch mean per channel. */
  readonly mean: tf.Tensor1D;
  /** Biased batch variance per channel (divided by the number of values per channel). */
  readonly variance: tf.Tensor1D;
}

/**
 * Batch norm over every axis but the last (channels), with batch statistics; differentiable in
 * x, scale and offset. Uses the fused kernels where the active backend has them (see
 * `registerWasmKernels`), else `tf.moments` and `tf.batchNorm`.
 */
export function batchNormTraining(
  x: tf.Tensor,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  varianceEpsilon: number,
): BatchNormTrainingResult {
  registerBatchNormKernels();
  if (tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined) {
    const [y, mean, variance] = tf
      .engine()
      .runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, { varianceEpsilon }) as tf.Tensor[];
    return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.batchNorm(x, mean, variance, offset, scale, varianceEpsilon);
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

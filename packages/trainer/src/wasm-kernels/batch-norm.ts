/**
 * Batch norm in training mode as one fused kernel per direction (and evaluation as one pass), for
 * the backends whose data lives in this process ('wasm', 'cpu'). Composed from stock ops, the forward pass costs
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
import { affine, affine2, gradientSums, shiftedSums } from './channel-loops.js';
import { assertFloat32, type HostTensors, hostTensors } from './host-tensors.js';
import { pointerOf, type SimdKernels, simdKernels } from './simd-kernels.js';
import { release, type WasmBackend } from './wasm-backend.js';

/** Kernel of the forward pass: inputs x, scale, offset; outputs y, mean, biased variance. */
export const BATCH_NORM_TRAINING = 'NhbBatchNormTraining';
/** Kernel of the backward pass: inputs dy, x, scale, mean, variance, dMean, dVariance. */
export const BATCH_NORM_TRAINING_GRAD = 'NhbBatchNormTrainingGrad';
/** Kernel of evaluation with given statistics: inputs x, mean, variance, scale, offset. */
export const BATCH_NORM_INFERENCE = 'NhbBatchNormInference';
/**
 * Kernel of the running-statistics update: inputs runningMean, runningVariance, mean, variance;
 * attrs momentum, varianceFactor; outputs the new running mean and variance.
 */
export const BATCH_NORM_RUNNING_UPDATE = 'NhbBatchNormRunningUpdate';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/**
 * Scratch for the SIMD passes on 'wasm': 2·channels float64 sums (8-byte aligned) followed by
 * `coefficients` float32 arrays of `channels` values each.
 */
class SimdScratch {
  readonly info: tf.TensorInfo;
  private readonly pad: number;

  constructor(
    private readonly backend: unknown,
    host: HostTensors,
    private readonly channels: number,
    coefficients: number,
  ) {
    this.info = host.alloc([4 * channels + 1 + coefficients * channels]);
    this.pad = pointerOf(backend, this.info) % 8 === 0 ? 0 : 4;
  }

  /** Pointer to the float64 sums. */
  get sums(): number {
    return pointerOf(this.backend, this.info) + this.pad;
  }

  /** Pointer to float32 coefficient array `k`. */
  coefficient(k: number): number {
    return this.sums + 4 * (4 * this.channels + k * this.channels);
  }

  /** Views of the sums and coefficient arrays (take them after the last allocation). */
  views(
    host: HostTensors,
    coefficients: number,
  ): { sums: Float64Array; coefficient: Float32Array[] } {
    const data = host.view(this.info);
    const base = data.byteOffset + this.pad;
    const sums = new Float64Array(data.buffer, base, 2 * this.channels);
    const coefficient = Array.from(
      { length: coefficients },
      (_, k) => new Float32Array(data.buffer, base + 4 * (4 + k) * this.channels, this.channels),
    );
    return { sums, coefficient };
  }
}

/** The SIMD kernels where the backend is 'wasm' and channels come in fours, else null. */
function simdFor(backendName: 'wasm' | 'cpu', backend: unknown, channels: number) {
  return backendName === 'wasm' && channels % 4 === 0 ? simdKernels(backend) : null;
}

/** Forward pass on the SIMD kernels: y = (x − μ)·γ/√(σ² + ε) + β. */
function forwardSimd(
  simd: SimdKernels,
  backend: unknown,
  host: HostTensors,
  x: tf.TensorInfo,
  scale: tf.TensorInfo,
  offset: tf.TensorInfo,
  epsilon: number,
): tf.TensorInfo[] {
  const channels = x.shape[x.shape.length - 1];
  const pixels = x.shape.reduce((a, b) => a * b, 1) / channels;
  const yInfo = host.alloc(x.shape);
  const meanInfo = host.alloc([channels]);
  const varianceInfo = host.alloc([channels]);
  const scratch = new SimdScratch(backend, host, channels, 1);
  const px = pointerOf(backend, x);
  // Sums shifted by the first pixel (its channels are the first values of x).
  simd.bn_sums(px, px, scratch.sums, pixels, channels);
  const { sums, coefficient } = scratch.views(host, 1);
  const [a] = coefficient;
  const [xs, gamma, meanOut, varianceOut] = [x, scale, meanInfo, varianceInfo].map((t) =>
    host.view(t),
  );
  for (let c = 0; c < channels; c++) {
    const mean = xs[c] + sums[c] / pixels;
    const variance = Math.max(0, (sums[channels + c] - (sums[c] * sums[c]) / pixels) / pixels);
    meanOut[c] = mean;
    varianceOut[c] = variance;
    a[c] = gamma[c] / Math.sqrt(variance + epsilon);
  }
  simd.bn_apply(
    px,
    pointerOf(backend, meanInfo),
    scratch.coefficient(0),
    pointerOf(backend, offset),
    pointerOf(backend, yInfo),
    pixels,
    channels,
  );
  release(backend as WasmBackend, scratch.info);
  return [yInfo, meanInfo, varianceInfo];
}

function forwardKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
    assertFloat32(BATCH_NORM_TRAINING, { x, scale, offset });
    const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
    const channels = x.shape[x.shape.length - 1];
    const host = hostTensors(backend, backendName);
    const simd = simdFor(backendName, backend, channels);
    if (simd) return forwardSimd(simd, backend, host, x, scale, offset, epsilon);
    const yInfo = host.alloc(x.shape);
    const meanInfo = host.alloc([channels]);
    const varianceInfo = host.alloc([channels]);
    const [xs, ys, gamma, beta] = [x, yInfo, scale, offset].map((t) => host.view(t));
    const [meanOut, varianceOut] = [meanInfo, varianceInfo].map((t) => host.view(t));

    const pixels = xs.length / channels;
    const shift = Float64Array.from(xs.subarray(0, channels));
    const sum = new Float64Array(channels);
    const sumSquares = new Float64Array(channels);
    shiftedSums(xs, shift, sum, sumSquares);

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

/** Backward pass on the SIMD kernels (the closed form of the plain-JS kernel below). */
function backwardSimd(
  simd: SimdKernels,
  backend: unknown,
  host: HostTensors,
  inputs: Record<string, tf.TensorInfo | undefined>,
  epsilon: number,
): tf.TensorInfo[] {
  const { dy, x, scale, mean, variance, dMean, dVariance } = inputs as Record<
    string,
    tf.TensorInfo
  >;
  const channels = x.shape[x.shape.length - 1];
  const pixels = x.shape.reduce((a, b) => a * b, 1) / channels;
  const dxInfo = host.alloc(x.shape);
  const dScaleInfo = host.alloc([channels]);
  const dOffsetInfo = host.alloc([channels]);
  const scratch = new SimdScratch(backend, host, channels, 3);
  const [pDy, pX, pMean] = [dy, x, mean].map((t) => pointerOf(backend, t));
  simd.bn_grad_sums(pDy, pX, pMean, scratch.sums, pixels, channels);
  const { sums, coefficient } = scratch.views(host, 3);
  const [a, q, r] = coefficient;
  const [gamma, sigma2, dScale, dOffset] = [scale, variance, dScaleInfo, dOffsetInfo].map((t) =>
    host.view(t),
  );
  const dMu = inputs.dMean ? host.view(dMean) : null;
  const dSigma2 = inputs.dVariance ? host.view(dVariance) : null;
  // dx = dy·a + (x − μ)·q + r: the plain-JS kernel's coefficients with x centered.
  for (let c = 0; c < channels; c++) {
    const sumDy = sums[c];
    const sumDyCentered = sums[channels + c];
    const inverseStd = 1 / Math.sqrt(sigma2[c] + epsilon);
    const ac = gamma[c] * inverseStd;
    dOffset[c] = sumDy;
    dScale[c] = sumDyCentered * inverseStd;
    const extraMean = dMu ? dMu[c] / pixels : 0;
    const extraVariance = dSigma2 ? (2 * dSigma2[c]) / pixels : 0;
    a[c] = ac;
    q[c] = (-ac * inverseStd * inverseStd * sumDyCentered) / pixels + extraVariance;
    r[c] = (-ac * sumDy) / pixels + extraMean;
  }
  simd.bn_grad_apply(
    pDy,
    pX,
    pMean,
    scratch.coefficient(0),
    scratch.coefficient(1),
    scratch.coefficient(2),
    pointerOf(backend, dxInfo),
    pixels,
    channels,
  );
  release(backend as WasmBackend, scratch.info);
  return [dxInfo, dScaleInfo, dOffsetInfo];
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
    const simd = simdFor(backendName, backend, channels);
    if (simd) {
      const inputs = { dy, x, scale, mean, variance, dMean, dVariance };
      return backwardSimd(simd, backend, host, inputs, epsilon);
    }
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
    gradientSums(dys, xs, mu, sumDy, sumDyCentered);

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
    affine2(dys, xs, dxs, a, q, r);
    return [dxInfo, dScaleInfo, dOffsetInfo];
  };
}

function inferenceKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo => {
    const { x, mean, variance, scale, offset } = inputs as Record<string, tf.TensorInfo>;
    assertFloat32(BATCH_NORM_INFERENCE, { x, mean, variance, scale, offset });
    const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
    const channels = x.shape[x.shape.length - 1];
    const host = hostTensors(backend, backendName);
    const simd = simdFor(backendName, backend, channels);
    if (simd) {
      const yInfo = host.alloc(x.shape);
      const scratch = new SimdScratch(backend, host, channels, 1);
      const [a] = scratch.views(host, 1).coefficient;
      const [sigma2, gamma] = [variance, scale].map((t) => host.view(t));
      for (let c = 0; c < channels; c++) a[c] = gamma[c] / Math.sqrt(sigma2[c] + epsilon);
      const pixels = x.shape.reduce((p, d) => p * d, 1) / channels;
      simd.bn_apply(
        pointerOf(backend, x),
        pointerOf(backend, mean),
        scratch.coefficient(0),
        pointerOf(backend, offset),
        pointerOf(backend, yInfo),
        pixels,
        channels,
      );
      release(backend as WasmBackend, scratch.info);
      return yInfo;
    }
    const yInfo = host.alloc(x.shape);
    const [xs, ys, mu, sigma2, gamma, beta] = [x, yInfo, mean, variance, scale, offset].map((t) =>
      host.view(t),
    );
    const a = new Float64Array(channels);
    const b = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      a[c] = gamma[c] / Math.sqrt(sigma2[c] + epsilon);
      b[c] = beta[c] - mu[c] * a[c];
    }
    affine(xs, ys, a, b);
    return yInfo;
  };
}

/** Gradient of the inference kernel (rarely needed: evaluation runs without a tape). */
const inferenceGradient: tf.GradConfig = {
  kernelName: BATCH_NORM_INFERENCE,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved;
    const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
    const g = dy as tf.Tensor;
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon));
    const centered = tf.sub(x, mean);
    const dCentered = tf.sum(tf.mul(g, centered), axes);
    return {
      x: () => tf.mul(g, tf.mul(scale, inverseStd)),
      mean: () => tf.neg(tf.mul(tf.sum(g, axes), tf.mul(scale, inverseStd))),
      variance: () => tf.mul(dCentered, tf.mul(scale, tf.mul(tf.pow(inverseStd, 3), -0.5))),
      scale: () => tf.mul(dCentered, inverseStd),
      offset: () => tf.sum(g, axes),
    };
  },
};

let registered = false;

/**
 * Registers the training, gradient, inference and running-statistics kernels for 'wasm' and
 * 'cpu' and the gradients; idempotent.
 */
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
    tf.registerKernel({
      kernelName: BATCH_NORM_INFERENCE,
      backendName,
      kernelFunc: inferenceKernel(backendName) as unknown as tf.KernelFunc,
    });
    tf.registerKernel({
      kernelName: BATCH_NORM_RUNNING_UPDATE,
      backendName,
      kernelFunc: runningUpdateKernel(backendName) as unknown as tf.KernelFunc,
    });
  }
  tf.registerGradient(inferenceGradient);
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

/**
 * Batch norm with given statistics (evaluation): scale·(x − mean)/√(variance + ε) + offset over
 * the last axis. One pass where the active backend has the kernel, else `tf.batchNorm`.
 */
export function batchNormInference(
  x: tf.Tensor,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  varianceEpsilon: number,
): tf.Tensor {
  registerBatchNormKernels();
  if (tf.getKernel(BATCH_NORM_INFERENCE, tf.getBackend()) !== undefined) {
    const inputs = { x, mean, variance, scale, offset };
    return tf.engine().runKernel(BATCH_NORM_INFERENCE, inputs, { varianceEpsilon }) as tf.Tensor;
  }
  return tf.batchNorm(x, mean, variance, offset, scale, varianceEpsilon);
}

/** Attributes of the running-statistics update. */
interface RunningUpdateAttrs {
  momentum: number;
  varianceFactor: number;
}

function runningUpdateKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { runningMean, runningVariance, mean, variance } = inputs as Record<
      string,
      tf.TensorInfo
    >;
    assertFloat32(BATCH_NORM_RUNNING_UPDATE, { runningMean, runningVariance, mean, variance });
    const { momentum, varianceFactor } = attrs as unknown as RunningUpdateAttrs;
    const host = hostTensors(backend, backendName);
    const meanInfo = host.alloc(runningMean.shape);
    const varianceInfo = host.alloc(runningVariance.shape);
    const [rm, rv, m, v, meanOut, varianceOut] = [
      runningMean,
      runningVariance,
      mean,
      variance,
      meanInfo,
      varianceInfo,
    ].map((t) => host.view(t));
    // Each product and sum rounded to float32, as the ops mul, mul, add do.
    const f = Math.fround;
    const [keep, take, takeVariance] = [f(1 - momentum), f(momentum), f(varianceFactor)];
    for (let c = 0; c < rm.length; c++) {
      meanOut[c] = f(rm[c] * keep) + f(m[c] * take);
      varianceOut[c] = f(rv[c] * keep) + f(v[c] * takeVariance);
    }
    return [meanInfo, varianceInfo];
  };
}

/**
 * PyTorch's running-statistics update, (1 − momentum)·running + momentum·batch for the mean and
 * (1 − momentum)·running + varianceFactor·batch for the variance (varianceFactor = momentum ·
 * the unbiasing factor), as one kernel where the backend has it (else the six ops, same bits).
 * Not differentiable: one kernel instead of six ops and their tape entries inside the training
 * step's gradient scope.
 */
export function batchNormRunningUpdate(
  runningMean: tf.Tensor1D,
  runningVariance: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  momentum: number,
  varianceFactor: number,
): [tf.Tensor1D, tf.Tensor1D] {
  registerBatchNormKernels();
  const floats = [runningMean, runningVariance, mean, variance].every((t) => t.dtype === 'float32');
  if (floats && tf.getKernel(BATCH_NORM_RUNNING_UPDATE, tf.getBackend()) !== undefined) {
    const out = tf
      .engine()
      .runKernel(BATCH_NORM_RUNNING_UPDATE, { runningMean, runningVariance, mean, variance }, {
        momentum,
        varianceFactor,
      } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return [out[0] as tf.Tensor1D, out[1] as tf.Tensor1D];
  }
  return tf.tidy(() => [
    tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)) as tf.Tensor1D,
    tf.add(tf.mul(runningVariance, 1 - momentum), tf.mul(variance, varianceFactor)) as tf.Tensor1D,
  ]);
}

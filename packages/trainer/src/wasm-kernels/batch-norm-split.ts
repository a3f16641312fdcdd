/**
 * Training-mode batch norm whose output is split along the channels into `parts` equal tensors,
 * as one fused kernel per direction ('wasm', 'cpu'). The cell runs the convolutions that read
 * the same node as one convolution with the edges' filters side by side; each edge's batch norm
 * is per channel, so one batch norm over the concatenated channels is all of them, and writing
 * its result straight into the edges' tensors avoids a split forward and a concatenation of the
 * gradients backward (tfjs's `SplitV` and `Concat` on channels cost more than the batch norm).
 * Same statistics and formulas as `batch-norm.ts` (float64 sums, closed-form gradient).
 */
import * as tf from '@tensorflow/tfjs-core';
import { shiftedSums } from './channel-loops.js';
import { assertFloat32, hostTensors } from './host-tensors.js';

/** Kernel name of the forward pass with `parts` outputs: inputs x, scale, offset. */
export function batchNormSplitKernelName(parts: number): string {
  return `NhbBatchNormTrainingSplit${parts}`;
}
/** Kernel name of the backward pass with `parts` output gradients. */
export function batchNormSplitGradKernelName(parts: number): string {
  return `NhbBatchNormTrainingSplitGrad${parts}`;
}

/** The part counts with kernels: a cell node feeds at most three convolutions. */
export const SPLIT_PARTS = [2, 3] as const;

/** Pixels per block, as in channel-loops.ts: the block's rows stay in L1. */
const BLOCK_PIXELS = 512;

/**
 * The loops below walk the part's channels [first, first + width) of data with `channels`
 * values per pixel, and the part's own tensor with `width` values per pixel: 4 channels at a
 * time (independent registers) within blocks of pixels, or 1 at a time if width is not a
 * multiple of 4.
 */
function channelStep(width: number): number {
  return width % 4 === 0 ? 4 : 1;
}

/** part[p, c] = x[p, first + c]·a[first + c] + b[first + c]. */
function splitAffine(
  x: Float32Array,
  part: Float32Array,
  channels: number,
  first: number,
  a: Float64Array,
  b: Float64Array,
): void {
  const width = part.length / (x.length / channels);
  const pixels = x.length / channels;
  const step = channelStep(width);
  for (let start = 0; start < pixels; start += BLOCK_PIXELS) {
    const end = Math.min(pixels, start + BLOCK_PIXELS);
    for (let c = 0; c < width; c += step) {
      const k = first + c;
      if (step === 1) {
        const [ac, bc] = [a[k], b[k]];
        for (let p = start; p < end; p++) part[p * width + c] = x[p * channels + k] * ac + bc;
        continue;
      }
      const [a0, a1, a2, a3] = [a[k], a[k + 1], a[k + 2], a[k + 3]];
      const [b0, b1, b2, b3] = [b[k], b[k + 1], b[k + 2], b[k + 3]];
      for (let p = start; p < end; p++) {
        const i = p * channels + k;
        const o = p * width + c;
        part[o] = x[i] * a0 + b0;
        part[o + 1] = x[i + 1] * a1 + b1;
        part[o + 2] = x[i + 2] * a2 + b2;
        part[o + 3] = x[i + 3] * a3 + b3;
      }
    }
  }
}

/** sumDy[first + c] += Σ dy[p, c]; sumDyCentered[first + c] += Σ dy[p, c]·(x[p, first + c] − mean). */
function splitGradientSums(
  dy: Float32Array,
  x: Float32Array,
  channels: number,
  first: number,
  mean: Float32Array,
  sumDy: Float64Array,
  sumDyCentered: Float64Array,
): void {
  const pixels = x.length / channels;
  const width = dy.length / pixels;
  const step = channelStep(width);
  for (let start = 0; start < pixels; start += BLOCK_PIXELS) {
    const end = Math.min(pixels, start + BLOCK_PIXELS);
    for (let c = 0; c < width; c += step) {
      const k = first + c;
      if (step === 1) {
        const m = mean[k];
        let [s, q] = [0, 0];
        for (let p = start; p < end; p++) {
          const g = dy[p * width + c];
          s += g;
          q += g * (x[p * channels + k] - m);
        }
        sumDy[k] += s;
        sumDyCentered[k] += q;
        continue;
      }
      const [m0, m1, m2, m3] = [mean[k], mean[k + 1], mean[k + 2], mean[k + 3]];
      let [s0, s1, s2, s3, q0, q1, q2, q3] = [0, 0, 0, 0, 0, 0, 0, 0];
      for (let p = start; p < end; p++) {
        const i = p * channels + k;
        const o = p * width + c;
        const g0 = dy[o];
        const g1 = dy[o + 1];
        const g2 = dy[o + 2];
        const g3 = dy[o + 3];
        s0 += g0;
        s1 += g1;
        s2 += g2;
        s3 += g3;
        q0 += g0 * (x[i] - m0);
        q1 += g1 * (x[i + 1] - m1);
        q2 += g2 * (x[i + 2] - m2);
        q3 += g3 * (x[i + 3] - m3);
      }
      sumDy[k] += s0;
      sumDy[k + 1] += s1;
      sumDy[k + 2] += s2;
      sumDy[k + 3] += s3;
      sumDyCentered[k] += q0;
      sumDyCentered[k + 1] += q1;
      sumDyCentered[k + 2] += q2;
      sumDyCentered[k + 3] += q3;
    }
  }
}

/** dx[p, first + c] = dy[p, c]·a + x[p, first + c]·q + r (channel first + c). */
function splitAffine2(
  dy: Float32Array,
  x: Float32Array,
  dx: Float32Array,
  channels: number,
  first: number,
  a: Float64Array,
  q: Float64Array,
  r: Float64Array,
): void {
  const pixels = x.length / channels;
  const width = dy.length / pixels;
  const step = channelStep(width);
  for (let start = 0; start < pixels; start += BLOCK_PIXELS) {
    const end = Math.min(pixels, start + BLOCK_PIXELS);
    for (let c = 0; c < width; c += step) {
      const k = first + c;
      if (step === 1) {
        const [ak, qk, rk] = [a[k], q[k], r[k]];
        for (let p = start; p < end; p++) {
          const i = p * channels + k;
          dx[i] = dy[p * width + c] * ak + x[i] * qk + rk;
        }
        continue;
      }
      const [a0, a1, a2, a3] = [a[k], a[k + 1], a[k + 2], a[k + 3]];
      const [q0, q1, q2, q3] = [q[k], q[k + 1], q[k + 2], q[k + 3]];
      const [r0, r1, r2, r3] = [r[k], r[k + 1], r[k + 2], r[k + 3]];
      for (let p = start; p < end; p++) {
        const i = p * channels + k;
        const o = p * width + c;
        dx[i] = dy[o] * a0 + x[i] * q0 + r0;
        dx[i + 1] = dy[o + 1] * a1 + x[i + 1] * q1 + r1;
        dx[i + 2] = dy[o + 2] * a2 + x[i + 2] * q2 + r2;
        dx[i + 3] = dy[o + 3] * a3 + x[i + 3] * q3 + r3;
      }
    }
  }
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
interface SplitAttrs {
  varianceEpsilon: number;
  parts: number;
}

function forwardKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
    const { varianceEpsilon: epsilon, parts } = attrs as unknown as SplitAttrs;
    assertFloat32(batchNormSplitKernelName(parts), { x, scale, offset });
    const channels = x.shape[x.shape.length - 1];
    const width = channels / parts;
    const host = hostTensors(backend, backendName);
    const partShape = [...x.shape.slice(0, -1), width];
    const yInfos = Array.from({ length: parts }, () => host.alloc(partShape));
    const meanInfo = host.alloc([channels]);
    const varianceInfo = host.alloc([channels]);
    const [xs, gamma, beta, meanOut, varianceOut] = [x, scale, offset, meanInfo, varianceInfo].map(
      (t) => host.view(t),
    );
    const ys = yInfos.map((t) => host.view(t));

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
    for (let j = 0; j < parts; j++) splitAffine(xs, ys[j], channels, j * width, a, b);
    return [...yInfos, meanInfo, varianceInfo];
  };
}

function backwardKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { varianceEpsilon: epsilon, parts } = attrs as unknown as SplitAttrs;
    const named = inputs as Record<string, tf.TensorInfo>;
    const { x, scale, mean, variance, dMean, dVariance } = named;
    const dyInfos = Array.from({ length: parts }, (_, j) => named[`dy${j}`]);
    assertFloat32(batchNormSplitGradKernelName(parts), { x, scale, mean, variance });
    const channels = x.shape[x.shape.length - 1];
    const width = channels / parts;
    const host = hostTensors(backend, backendName);
    const dxInfo = host.alloc(x.shape);
    const dScaleInfo = host.alloc([channels]);
    const dOffsetInfo = host.alloc([channels]);
    const [xs, gamma, mu, sigma2, dxs, dScale, dOffset] = [
      x,
      scale,
      mean,
      variance,
      dxInfo,
      dScaleInfo,
      dOffsetInfo,
    ].map((t) => host.view(t));
    const dys = dyInfos.map((t) => host.view(t));
    const dMu = dMean ? host.view(dMean) : null;
    const dSigma2 = dVariance ? host.view(dVariance) : null;

    const pixels = xs.length / channels;
    const sumDy = new Float64Array(channels);
    const sumDyCentered = new Float64Array(channels);
    for (let j = 0; j < parts; j++) {
      splitGradientSums(dys[j], xs, channels, j * width, mu, sumDy, sumDyCentered);
    }

    // dx = dy·a + x·q + r per channel, as in batch-norm.ts.
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
    for (let j = 0; j < parts; j++) splitAffine2(dys[j], xs, dxs, channels, j * width, a, q, r);
    return [dxInfo, dScaleInfo, dOffsetInfo];
  };
}

let registered = false;

/** Registers the split batch-norm kernels and their gradients ('wasm', 'cpu'); idempotent. */
export function registerBatchNormSplitKernels(): void {
  if (registered) return;
  registered = true;
  for (const parts of SPLIT_PARTS) {
    for (const backendName of ['wasm', 'cpu'] as const) {
      tf.registerKernel({
        kernelName: batchNormSplitKernelName(parts),
        backendName,
        kernelFunc: forwardKernel(backendName) as unknown as tf.KernelFunc,
      });
      tf.registerKernel({
        kernelName: batchNormSplitGradKernelName(parts),
        backendName,
        kernelFunc: backwardKernel(backendName) as unknown as tf.KernelFunc,
      });
    }
    tf.registerGradient({
      kernelName: batchNormSplitKernelName(parts),
      inputsToSave: ['x', 'scale'],
      outputsToSave: [...new Array<boolean>(parts).fill(false), true, true],
      gradFunc: (dy, saved, attrs) => {
        const dys = dy as tf.Tensor[];
        const [x, scale, mean, variance] = saved;
        const inputs: Record<string, tf.Tensor> = { x, scale, mean, variance };
        for (let j = 0; j < parts; j++) inputs[`dy${j}`] = dys[j];
        inputs.dMean = dys[parts];
        inputs.dVariance = dys[parts + 1];
        const [dx, dScale, dOffset] = tf
          .engine()
          .runKernel(batchNormSplitGradKernelName(parts), inputs, attrs) as tf.Tensor[];
        return { x: () => dx, scale: () => dScale, offset: () => dOffset };
      },
    });
  }
}

/** Output of {@link batchNormTrainingSplit}. */
export interface BatchNormSplitResult {
  /** The normalized, scaled and shifted input, split into `parts` tensors along the channels. */
  readonly ys: tf.Tensor[];
  /** Batch mean per channel (all channels). */
  readonly mean: tf.Tensor1D;
  /** Biased batch variance per channel (all channels). */
  readonly variance: tf.Tensor1D;
}

/**
 * Training-mode batch norm over every axis but the last, with the result split into `parts`
 * equal tensors along the channels; differentiable in x, scale and offset. One kernel per
 * direction where the active backend has it, else null (the caller then normalizes and splits
 * with ops).
 */
export function batchNormTrainingSplit(
  x: tf.Tensor,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  varianceEpsilon: number,
  parts: number,
): BatchNormSplitResult | null {
  registerBatchNormSplitKernels();
  const name = batchNormSplitKernelName(parts);
  const channels = x.shape[x.shape.length - 1];
  if (!(SPLIT_PARTS as readonly number[]).includes(parts) || channels % parts !== 0) return null;
  if (tf.getKernel(name, tf.getBackend()) === undefined) return null;
  const outputs = tf
    .engine()
    .runKernel(name, { x, scale, offset }, { varianceEpsilon, parts }) as tf.Tensor[];
  return {
    ys: outputs.slice(0, parts),
    mean: outputs[parts] as tf.Tensor1D,
    variance: outputs[parts + 1] as tf.Tensor1D,
  };
}

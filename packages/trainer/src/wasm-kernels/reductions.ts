/**
 * Two WASM kernels the gradients of the network spend time in, replaced for their common case:
 * - `Sum` over every axis but the last (bias and shift gradients: per-channel sums of dy) as
 *   one blocked loop with float64 sums, ~3× faster than the stock kernel;
 * - `AvgPoolGrad` of non-overlapping pooling (window = stride, no padding; the reduction
 *   block's 2×2 shortcut pooling): each input pixel receives its window's dy / (window area).
 * Every other case goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { channelSums } from './channel-loops.js';
import { hostTensors } from './host-tensors.js';
import { pointerOf, simdKernels } from './simd-kernels.js';
import { release } from './wasm-backend.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Stock = (args: KernelArgs) => tf.TensorInfo;

/** `Sum` whose reduction over all leading axes of a float32 tensor is a channel loop. */
export function makeSumWasm(stock: tf.KernelFunc) {
  const fallback = stock as unknown as Stock;
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || rank < 2 || !leading) return fallback(args);

    const channels = x.shape[rank - 1];
    const host = hostTensors(args.backend, 'wasm');
    const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
    const out = host.alloc(outShape);
    const simd = channels % 4 === 0 ? simdKernels(args.backend) : null;
    if (simd) {
      // Float64 sums in a scratch tensor (2 floats each, one more to align them to 8 bytes).
      const scratch = host.alloc([2 * channels + 1]);
      const pad = pointerOf(args.backend, scratch) % 8 === 0 ? 0 : 4;
      const pixels = x.shape.reduce((a, b) => a * b, 1) / channels;
      simd.channel_sums(
        pointerOf(args.backend, x),
        pointerOf(args.backend, scratch) + pad,
        pixels,
        channels,
      );
      const data = host.view(scratch);
      host.view(out).set(new Float64Array(data.buffer, data.byteOffset + pad, channels));
      release(args.backend as Parameters<typeof release>[0], scratch);
      return out;
    }
    const sums = new Float64Array(channels);
    channelSums(host.view(x), sums);
    host.view(out).set(sums);
    return out;
  };
}

/** `AvgPoolGrad` for windows that tile the input (filter = stride, valid padding). */
export function makeAvgPoolGradWasm(stock: tf.KernelFunc) {
  const fallback = stock as unknown as Stock;
  return (args: KernelArgs): tf.TensorInfo => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { filterHeight: fh, filterWidth: fw, strideHeight, strideWidth } = info;
    const { top, left, bottom, right } = info.padInfo;
    const tiles = fh === strideHeight && fw === strideWidth && top + left + bottom + right === 0;
    if (dy.dtype !== 'float32' || !tiles) return fallback(args);

    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const host = hostTensors(args.backend, 'wasm');
    const out = host.alloc(input.shape);
    const simd = channels % 4 === 0 ? simdKernels(args.backend) : null;
    if (simd) {
      simd.avg_pool_tiles_grad(
        pointerOf(args.backend, dy),
        pointerOf(args.backend, out),
        batchSize,
        inHeight,
        inWidth,
        channels,
        fh,
        fw,
        outHeight,
        outWidth,
        1 / (fh * fw),
      );
      return out;
    }
    const grad = host.view(dy);
    const dx = host.view(out);
    const scale = 1 / (fh * fw);
    let o = 0;
    for (let n = 0; n < batchSize; n++) {
      for (let h = 0; h < inHeight; h++) {
        const oh = Math.floor(h / fh);
        for (let w = 0; w < inWidth; w++) {
          const ow = Math.floor(w / fw);
          if (oh >= outHeight || ow >= outWidth) {
            dx.fill(0, o, o + channels);
            o += channels;
            continue;
          }
          const src = ((n * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) dx[o++] = grad[src + c] * scale;
        }
      }
    }
    return out;
  };
}

/**
 * Forward `Conv2D` and `FusedConv2D` (bias, no activation) for the WASM backend on the package's
 * SIMD convolution (`native/kernels.c`): for equal strides, dilation 1, NHWC float32 and output
 * channels in multiples of 4, x is zero-padded once and convolved with pixel × channel blocks
 * held in registers (1.3-1.5× the throughput of the backend's XNNPACK convolution on the
 * trainer's layers). Everything else goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pointerOf, simdKernels } from './simd-kernels.js';
import { release, type WasmBackend } from './wasm-backend.js';

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/**
 * The convolution on the SIMD kernel, or null when it does not apply (the caller then runs the
 * stock kernel).
 */
function simdConv2d(
  backend: WasmBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  attrs: ConvAttrs,
): tf.TensorInfo | null {
  if (attrs.dataFormat === 'NCHW') return null;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  if (bias && bias.dtype !== 'float32') return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, outChannels } = info;
  if (strideHeight !== strideWidth || dilationHeight !== 1 || dilationWidth !== 1) return null;
  const stride = strideHeight;
  if (outChannels % 4 !== 0) return null;
  if (bias && bias.shape.reduce((a, b) => a * b, 1) !== outChannels) return null;
  const simd = simdKernels(backend);
  if (!simd) return null;

  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth } = info;
  // Bottom and right padding only set hp and wp: rows and columns past them are never read.
  const { top, left } = info.padInfo;
  // Rows and columns the windows reach, padding included: a zero-padded copy of x when they
  // reach past it (or start before it), else x itself (trailing rows no window reads stay).
  const reachH = (outHeight - 1) * stride + filterHeight;
  const reachW = (outWidth - 1) * stride + filterWidth;
  const needsPad = top !== 0 || left !== 0 || reachH > inHeight || reachW > inWidth;
  const [hp, wp] = needsPad ? [reachH, reachW] : [inHeight, inWidth];
  const padded = needsPad ? backend.makeOutput([batchSize, hp, wp, inChannels], 'float32') : x;
  const out = backend.makeOutput(info.outShape, 'float32');
  if (needsPad) {
    simd.pad_nhwc(
      pointerOf(backend, x),
      pointerOf(backend, padded),
      batchSize,
      inHeight,
      inWidth,
      inChannels,
      hp,
      wp,
      top,
      left,
    );
  }
  simd.conv2d_padded(
    pointerOf(backend, padded),
    pointerOf(backend, filter),
    bias ? pointerOf(backend, bias) : 0,
    pointerOf(backend, out),
    batchSize,
    hp,
    wp,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    stride,
  );
  if (needsPad) release(backend, padded);
  return out;
}

/** Builds the `Conv2D` kernel function; `stock` is the backend's own kernel. */
export function makeConv2dWasm(stock: tf.KernelFunc) {
  return function conv2dWasm(args: KernelArgs): tf.TensorInfo {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const out = simdConv2d(args.backend as WasmBackend, x, filter, undefined, attrs);
    return out ?? (stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo);
  };
}

/** Builds the `FusedConv2D` kernel function (bias only; activations go to `stock`). */
export function makeFusedConv2dWasm(stock: tf.KernelFunc) {
  return function fusedConv2dWasm(args: KernelArgs): tf.TensorInfo {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<
      string,
      tf.TensorInfo | undefined
    >;
    const attrs = args.attrs as unknown as ConvAttrs;
    const linear = attrs.activation === undefined || attrs.activation === 'linear';
    if (!linear || preluActivationWeights || !x || !filter) {
      return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    const out = simdConv2d(args.backend as WasmBackend, x, filter, bias, attrs);
    return out ?? (stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo);
  };
}

/**
 * Kernel of {@link conv2dWithBias}: inputs x, filter, bias; attrs as `FusedConv2D`'s (linear).
 * Its gradient gives x, filter and bias separately and lazily, so the engine computes only the
 * ones it needs: `tf.fused.conv2d` computes all three eagerly (a custom gradient), which spent
 * an input gradient on the network's stem, whose input is the images.
 */
export const CONV2D_BIAS = 'NhbConv2DBias';

let convBiasRegistered = false;

/** Registers {@link CONV2D_BIAS} for 'wasm' and 'cpu' and its gradient; idempotent. */
export function registerConvBiasKernels(): void {
  if (convBiasRegistered) return;
  convBiasRegistered = true;
  for (const backendName of ['wasm', 'cpu'] as const) {
    tf.registerKernel({
      kernelName: CONV2D_BIAS,
      backendName,
      kernelFunc: (args) => {
        const fused = tf.getKernel('FusedConv2D', backendName);
        if (!fused) throw new Error(`wasm-kernels: the ${backendName} backend has no FusedConv2D`);
        return fused.kernelFunc(args);
      },
    });
  }
  tf.registerGradient({
    kernelName: CONV2D_BIAS,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const g = dy as tf.Tensor;
      const { strides, pad, dimRoundingMode } = attrs as unknown as ConvAttrs;
      const common = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
      return {
        x: () =>
          tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, {
            ...common,
            inputShape: x.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, {
            ...common,
            filterShape: filter.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        bias: () => tf.sum(g, [0, 1, 2]),
      };
    },
  });
}

/**
 * NHWC convolution (dilation 1) plus a per-channel bias, as `tf.fused.conv2d` computes it, with
 * a gradient that computes only what is asked for (see {@link CONV2D_BIAS}); falls back to
 * `tf.fused.conv2d` on backends without the kernel.
 */
export function conv2dWithBias(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: number,
  pad: 'valid' | 'same' | number,
): tf.Tensor4D {
  registerConvBiasKernels();
  if (tf.getKernel(CONV2D_BIAS, tf.getBackend()) === undefined) {
    return tf.fused.conv2d({ x, filter, strides, pad, bias });
  }
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: 1, activation: 'linear' };
  return tf
    .engine()
    .runKernel(
      CONV2D_BIAS,
      { x, filter, bias },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor4D;
}

/**
 * `Conv2DBackpropFilter` for the WASM backend, which has none. The filter gradient
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, co]
 * is itself a forward convolution once batch and channels swap places: the input x transposed
 * to [ci, h, w, n] (batch ci, channels n), convolved with dy transposed to [oh, ow, n, co] as the
 * filter, dilated by the stride. That runs in the backend's XNNPACK convolution instead of an
 * element loop; only the two transposes and a small one on the result are extra. A 1×1 filter
 * takes XNNPACK's matrix product instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pointerOf, simdKernels } from './simd-kernels.js';
import { release, runWasmKernel, viewAs, type WasmBackend } from './wasm-backend.js';

interface FilterGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Kernel function of the WASM `Conv2DBackpropFilter` (NHWC, float32). */
export function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as FilterGradAttrs;
  if (attrs.dataFormat === 'NCHW') {
    throw new Error('wasm-kernels: Conv2DBackpropFilter supports dataFormat NHWC only, not NCHW');
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, inChannels, outChannels } = info;
  const { top, left } = info.padInfo;

  // The package's SIMD kernel: a direct blocked reduction over all output pixels, in place on
  // the backend's memory (3× faster than the swapped convolution below on the trainer's layers).
  const simd = x.dtype === 'float32' && dy.dtype === 'float32' ? simdKernels(backend) : null;
  if (simd) {
    const dW = backend.makeOutput(attrs.filterShape, 'float32');
    simd.conv2d_filter_grad(
      pointerOf(backend, x),
      pointerOf(backend, dy),
      pointerOf(backend, dW),
      info.batchSize,
      inHeight,
      inWidth,
      inChannels,
      outHeight,
      outWidth,
      outChannels,
      filterHeight,
      filterWidth,
      strideHeight,
      strideWidth,
      top,
      left,
    );
    return dW;
  }

  // A 1×1 stride-1 convolution without padding is a matrix product: dW = xᵀ·dy over all pixels.
  // XNNPACK's fully connected kernel computes it after one 2-D transpose, 3-7× faster than the
  // general path below (whose convolution setup dominates at this size).
  const pointwise =
    filterHeight === 1 && filterWidth === 1 && strideHeight === 1 && strideWidth === 1;
  if (pointwise && top + left + info.padInfo.bottom + info.padInfo.right === 0) {
    const pixels = x.shape[0] * inHeight * inWidth;
    const xT = runWasmKernel(
      backend,
      'Transpose',
      { x: viewAs(x, [pixels, inChannels]) },
      { perm: [1, 0] },
    );
    const product = runWasmKernel(
      backend,
      'BatchMatMul',
      { a: viewAs(xT, [1, inChannels, pixels]), b: viewAs(dy, [1, pixels, outChannels]) },
      { transposeA: false, transposeB: false },
    );
    release(backend, xT);
    return viewAs(product, [1, 1, inChannels, outChannels]);
  }

  // Rows the dilated dy filter needs below the input so that the output has filterHeight rows;
  // the forward convolution may have dropped trailing rows (floor), then the result is sliced.
  const bottom = Math.max(0, filterHeight + strideHeight * (outHeight - 1) - inHeight - top);
  const right = Math.max(0, filterWidth + strideWidth * (outWidth - 1) - inWidth - left);

  const xT = runWasmKernel(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = runWasmKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const swapped = runWasmKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  release(backend, xT, dyT);

  // swapped: [ci, ≥kh, ≥kw, co]; keep the first filterHeight × filterWidth taps.
  let taps = swapped;
  if (swapped.shape[1] !== filterHeight || swapped.shape[2] !== filterWidth) {
    taps = runWasmKernel(
      backend,
      'Slice',
      { x: swapped },
      { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] },
    );
    release(backend, swapped);
  }
  const dW = runWasmKernel(backend, 'Transpose', { x: taps }, { perm: [1, 2, 0, 3] });
  release(backend, taps);
  return dW;
}

/**
 * Fast training kernels for TensorFlow.js backends that run on this process's CPU: the filter
 * and input gradients of convolution for 'wasm' (built on its XNNPACK convolution), and fused
 * batch-norm and 3×3 average-pooling kernels with their gradients for 'wasm' and 'cpu'.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerAvgPoolKernels } from './avg-pool.js';
import { registerBatchNormKernels } from './batch-norm.js';

export { CONV2D_BIAS, conv2dWithBias } from './conv2d-forward.js';
export { SGD_MOMENTUM_UPDATE, sgdMomentumUpdate } from './sgd-update.js';

import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.js';
import { makeConv2dBackpropInputWasm } from './conv2d-backprop-input.js';
import { makeConv2dWasm, makeFusedConv2dWasm, registerConvBiasKernels } from './conv2d-forward.js';
import { makeAvgPoolGradWasm, makeSumWasm } from './reductions.js';
import { registerReluGrad } from './relu-grad.js';
import { registerSgdKernels } from './sgd-update.js';
import { makeCastWasm, makeIdentityWasm } from './shared-copies.js';

export { AVG_POOL_3X3_INCLUDE_PAD, avgPool3x3IncludePad } from './avg-pool.js';
export {
  BATCH_NORM_INFERENCE,
  BATCH_NORM_RUNNING_UPDATE,
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  type BatchNormTrainingResult,
  batchNormInference,
  batchNormRunningUpdate,
  batchNormTraining,
} from './batch-norm.js';

let wasmRegistered = false;

/**
 * Registers the fused batch-norm, average-pool and SGD-update kernels ('wasm', 'cpu');
 * idempotent. Their ops
 * register them on first use too.
 */
export function registerCustomKernels(): void {
  registerBatchNormKernels();
  registerAvgPoolKernels();
  registerSgdKernels();
  registerConvBiasKernels();
  registerReluGrad();
}

/** Replaces the 'wasm' kernel `kernelName` by `make(stock kernel function)`. */
function wrapStock(kernelName: string, make: (stock: tf.KernelFunc) => unknown): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) throw new Error(`wasm-kernels: the wasm backend has no ${kernelName} kernel`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: make(stock.kernelFunc) as tf.KernelFunc,
  });
}

/**
 * Registers the WASM convolution gradients (`Conv2DBackpropFilter`, which the backend lacks, and
 * a faster `Conv2DBackpropInput` that keeps the stock one as fallback), `Identity` and `Cast`
 * kernels that share buffers instead of copying them, faster `Sum` (per-channel) and
 * `AvgPoolGrad` (non-overlapping windows) for their common case, and the fused kernels.
 * Call it after importing `@tensorflow/tfjs-backend-wasm` (whose import registers the stock
 * kernels); idempotent.
 */
export function registerWasmKernels(): void {
  registerCustomKernels();
  if (wasmRegistered) return;
  if (!tf.getKernel('Conv2D', 'wasm')) {
    throw new Error(
      'wasm-kernels: import @tensorflow/tfjs-backend-wasm before registerWasmKernels()',
    );
  }
  wasmRegistered = true;

  wrapStock('Conv2D', makeConv2dWasm);
  wrapStock('FusedConv2D', makeFusedConv2dWasm);
  wrapStock('Conv2DBackpropInput', makeConv2dBackpropInputWasm);
  wrapStock('Identity', makeIdentityWasm);
  wrapStock('Cast', makeCastWasm);
  wrapStock('Sum', makeSumWasm);
  wrapStock('AvgPoolGrad', makeAvgPoolGradWasm);
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  }
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
  });
}

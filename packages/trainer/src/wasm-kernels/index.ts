/**
 * Fast training kernels for TensorFlow.js backends that run on this process's CPU: the filter
 * and input gradients of convolution for 'wasm' (built on its XNNPACK convolution), and fused
 * batch-norm and 3×3 average-pooling kernels with their gradients for 'wasm' and 'cpu'.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerAvgPoolKernels } from './avg-pool.js';
import { registerBatchNormKernels } from './batch-norm.js';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.js';
import { makeConv2dBackpropInputWasm } from './conv2d-backprop-input.js';

export { AVG_POOL_3X3_INCLUDE_PAD, avgPool3x3IncludePad } from './avg-pool.js';
export {
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  type BatchNormTrainingResult,
  batchNormTraining,
} from './batch-norm.js';

let customRegistered = false;
let wasmRegistered = false;

/** Registers the fused batch-norm and average-pool kernels ('wasm', 'cpu'); idempotent. */
export function registerCustomKernels(): void {
  if (customRegistered) return;
  customRegistered = true;
  registerBatchNormKernels();
  registerAvgPoolKernels();
}

/**
 * Registers the WASM convolution gradients (`Conv2DBackpropFilter`, which the backend lacks, and
 * a faster `Conv2DBackpropInput` that keeps the stock one as fallback) and the fused kernels.
 * Call it after importing `@tensorflow/tfjs-backend-wasm` (whose import registers the stock
 * kernels); idempotent.
 */
export function registerWasmKernels(): void {
  registerCustomKernels();
  if (wasmRegistered) return;
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!stockInput || !tf.getKernel('Conv2D', 'wasm')) {
    throw new Error(
      'wasm-kernels: import @tensorflow/tfjs-backend-wasm before registerWasmKernels()',
    );
  }
  wasmRegistered = true;

  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    setupFunc: stockInput.setupFunc,
    kernelFunc: makeConv2dBackpropInputWasm(stockInput.kernelFunc) as unknown as tf.KernelFunc,
  });
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  }
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
  });
}

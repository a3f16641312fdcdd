/**
 * The few internals of `@tensorflow/tfjs-backend-wasm` 4.22 that composite kernels need: tensors
 * live on the WASM heap (`makeOutput`, `typedArrayFromHeap`), and a kernel can run another
 * backend kernel directly through the kernel registry, without the engine or the gradient tape.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The part of the WASM backend a composite kernel uses. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Attributes as the kernel registry passes them. */
export type Attrs = Record<string, unknown>;

/** Runs the registered `kernelName` of the 'wasm' backend on TensorInfos; returns its output. */
export function runWasmKernel(
  backend: WasmBackend,
  kernelName: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Attrs = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`wasm-kernels: the wasm backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({
    inputs,
    attrs: attrs as tf.NamedAttrMap,
    backend: backend as unknown as tf.KernelBackend,
  }) as tf.TensorInfo;
}

/** A view of `info` with another shape of the same size (no copy, no new reference). */
export function viewAs(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Releases intermediate TensorInfos made inside a kernel. */
export function release(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

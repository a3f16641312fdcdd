/**
 * Direct float32 access to tensor data for kernels written as loops over memory, on the two
 * backends that keep data in this process: 'wasm' (the WASM heap) and 'cpu' (typed arrays).
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Allocates outputs and exposes inputs and outputs as Float32Arrays. */
export interface HostTensors {
  /** A new float32 tensor of `shape` (contents undefined). */
  alloc(shape: number[]): tf.TensorInfo;
  /**
   * The data of `info`. On 'wasm', allocating can move the heap, so take every view after the
   * last `alloc` of a kernel.
   */
  view(info: tf.TensorInfo): Float32Array;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface CpuLike {
  data: { get(dataId: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** Host access for `backend`, whose name is `backendName` ('wasm' or 'cpu'). */
export function hostTensors(backend: unknown, backendName: 'wasm' | 'cpu'): HostTensors {
  if (backendName === 'wasm') {
    const wasm = backend as WasmLike;
    return {
      alloc: (shape) => wasm.makeOutput(shape, 'float32'),
      view: (info) => wasm.typedArrayFromHeap(info),
    };
  }
  const cpu = backend as CpuLike;
  return {
    alloc: (shape) =>
      cpu.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1))),
    view: (info) => cpu.data.get(info.dataId).values as Float32Array,
  };
}

/** Throws unless every tensor is float32 (the loops read raw float32 memory). */
export function assertFloat32(kernelName: string, infos: Record<string, tf.TensorInfo>): void {
  for (const [name, info] of Object.entries(infos)) {
    if (info.dtype !== 'float32') {
      throw new Error(`wasm-kernels: ${kernelName} needs float32 ${name}, got ${info.dtype}`);
    }
  }
}

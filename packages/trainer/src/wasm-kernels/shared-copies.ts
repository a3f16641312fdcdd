/**
 * `Identity` and same-type `Cast` for the WASM backend without copying. tfjs-core clones every
 * tensor it saves for the backward pass (`Identity`), and the ReLU gradient casts float32 to
 * float32; the stock WASM kernels copy the data each time (about 100 activation-sized copies per
 * training step of the lite network, and twice the memory of the saved activations, which is
 * what exhausted the heap on the paper's network). Tensor data is immutable, so the copy can
 * share the buffer under a reference count, as the 'cpu' backend does; variables change by
 * replacing their buffer, never by writing into it.
 */
import type * as tf from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** `Identity` that shares the input's buffer; strings go to the stock kernel. */
export function makeIdentityWasm(stock: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    return share(x, args.backend);
  };
}

/** `Cast` that shares the buffer when the type does not change; else the stock conversion. */
export function makeCastWasm(stock: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    if (x.dtype !== dtype || dtype === 'string') {
      return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    return share(x, args.backend);
  };
}

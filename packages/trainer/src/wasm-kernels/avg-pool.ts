/**
 * 3×3 average pooling, stride 1, zero padding 1, dividing by 9 everywhere (PyTorch's
 * `count_include_pad=True`), as one kernel. On 'wasm' it is a depthwise XNNPACK convolution
 * with a constant 1/9 filter; on 'cpu' a loop. The operator is its own adjoint (output pixel o
 * takes 1/9 of every input pixel i with |o − i| ≤ 1 on both axes, a symmetric relation), so its
 * gradient is the same kernel applied to dy: no padding, slicing or `AvgPoolGrad` in the step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat32, hostTensors } from './host-tensors.js';
import { release, runWasmKernel, type WasmBackend } from './wasm-backend.js';

/** Kernel name: input x (NHWC, float32); output of the same shape. */
export const AVG_POOL_3X3_INCLUDE_PAD = 'NhbAvgPool3x3IncludePad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

function wasmKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x } = inputs as { x: tf.TensorInfo };
  assertFloat32(AVG_POOL_3X3_INCLUDE_PAD, { x });
  const channels = x.shape[3];
  const filter = wasm.makeOutput([3, 3, channels, 1], 'float32');
  wasm.typedArrayFromHeap(filter).fill(1 / 9);
  const out = runWasmKernel(
    wasm,
    'DepthwiseConv2dNative',
    { x, filter },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  release(wasm, filter);
  return out;
}

function cpuKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  assertFloat32(AVG_POOL_3X3_INCLUDE_PAD, { x });
  const host = hostTensors(backend, 'cpu');
  const outInfo = host.alloc(x.shape);
  const xs = host.view(x);
  const ys = host.view(outInfo);
  const [batch, height, width, channels] = x.shape;
  const rowStride = width * channels;
  for (let n = 0; n < batch; n++) {
    const image = n * height * rowStride;
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        const o = image + h * rowStride + w * channels;
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let dh = -1; dh <= 1; dh++) {
            if (h + dh < 0 || h + dh >= height) continue;
            for (let dw = -1; dw <= 1; dw++) {
              if (w + dw < 0 || w + dw >= width) continue;
              sum += xs[o + dh * rowStride + dw * channels + c];
            }
          }
          ys[o + c] = sum / 9;
        }
      }
    }
  }
  return outInfo;
}

let registered = false;

/** Registers the kernel for 'wasm' and 'cpu' and its (self-adjoint) gradient; idempotent. */
export function registerAvgPoolKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: AVG_POOL_3X3_INCLUDE_PAD,
    backendName: 'wasm',
    kernelFunc: wasmKernel as unknown as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: AVG_POOL_3X3_INCLUDE_PAD,
    backendName: 'cpu',
    kernelFunc: cpuKernel as unknown as tf.KernelFunc,
  });
  tf.registerGradient({
    kernelName: AVG_POOL_3X3_INCLUDE_PAD,
    gradFunc: (dy) => ({
      x: () => tf.engine().runKernel(AVG_POOL_3X3_INCLUDE_PAD, { x: dy as tf.Tensor }) as tf.Tensor,
    }),
  });
}

/**
 * 3×3 average pooling, stride 1, padding 1, counting the zero padding (divides by 9 at the
 * border too), on an NHWC batch. Uses the fused kernel where the active backend has it, else
 * explicit zero padding followed by a valid pooling.
 */
export function avgPool3x3IncludePad(x: tf.Tensor4D): tf.Tensor4D {
  registerAvgPoolKernels();
  if (tf.getKernel(AVG_POOL_3X3_INCLUDE_PAD, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(AVG_POOL_3X3_INCLUDE_PAD, { x }) as tf.Tensor4D;
  }
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  return tf.avgPool(padded, 3, 1, 'valid');
}

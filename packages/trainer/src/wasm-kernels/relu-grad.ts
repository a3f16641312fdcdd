/**
 * The gradient of `Relu` as one kernel on the backends whose data lives in this process:
 * tfjs-core composes it as dy · cast(step(x)), three kernels and two extra passes over the
 * activation. The kernel gives the same bits (step(x) is NaN for NaN x, 1 for x > 0, else 0,
 * and the product is a float32 multiplication). Other backends keep the composition.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat32, hostTensors } from './host-tensors.js';
import { pointerOf, simdKernels } from './simd-kernels.js';

/** Kernel name: inputs dy, x; output dy · step(x). */
export const RELU_GRAD = 'NhbReluGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

function reluGradKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend }: KernelArgs): tf.TensorInfo => {
    const { dy, x } = inputs as Record<string, tf.TensorInfo>;
    assertFloat32(RELU_GRAD, { dy, x });
    const host = hostTensors(backend, backendName);
    const out = host.alloc(x.shape);
    const size = x.shape.reduce((a, b) => a * b, 1);
    const simd = backendName === 'wasm' && size % 4 === 0 ? simdKernels(backend) : null;
    if (simd) {
      simd.relu_grad(pointerOf(backend, dy), pointerOf(backend, x), pointerOf(backend, out), size);
      return out;
    }
    const [g, xs, dx] = [dy, x, out].map((t) => host.view(t));
    for (let i = 0; i < size; i++) {
      const v = xs[i];
      dx[i] = g[i] * (Number.isNaN(v) ? Number.NaN : v > 0 ? 1 : 0);
    }
    return out;
  };
}

let registered = false;

/** Registers the kernel ('wasm', 'cpu') and the `Relu` gradient that uses it; idempotent. */
export function registerReluGrad(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu'] as const) {
    tf.registerKernel({
      kernelName: RELU_GRAD,
      backendName,
      kernelFunc: reluGradKernel(backendName) as unknown as tf.KernelFunc,
    });
  }
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const g = dy as tf.Tensor;
      return {
        x: () =>
          x.dtype === 'float32' &&
          g.dtype === 'float32' &&
          tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined
            ? (tf.engine().runKernel(RELU_GRAD, { dy: g, x }) as tf.Tensor)
            : tf.mul(g, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
}

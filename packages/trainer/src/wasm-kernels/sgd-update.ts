/**
 * One SGD-with-momentum update of one variable as a single kernel, for the backends whose data
 * lives in this process ('wasm', 'cpu'). As ops it takes about eight small kernels per variable
 * (scale, add, scale, add, scale, add, scale, subtract), each with the engine's bookkeeping: for
 * a small network that was a large part of a training step. The loop rounds every intermediate
 * to float32 exactly where those ops do (each op is one IEEE float32 operation), so it gives the
 * same bits as the op sequence:
 *   d = g + wd·p;  buf' = m·buf + d;  dir = d + m·buf' (Nesterov) or buf';  p' = p − lr·dir.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFloat32, hostTensors } from './host-tensors.js';
import { pointerOf, simdKernels } from './simd-kernels.js';

/** Kernel name: inputs variable, grad, buffer; outputs the new variable and the new buffer. */
export const SGD_MOMENTUM_UPDATE = 'NhbSgdMomentumUpdate';

/** Attributes of the update (numbers as the op sequence would round them: to float32). */
interface UpdateAttrs {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function updateKernel(backendName: 'wasm' | 'cpu') {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const { variable, grad, buffer } = inputs as Record<string, tf.TensorInfo>;
    assertFloat32(SGD_MOMENTUM_UPDATE, { variable, grad, buffer });
    const { lr, momentum, weightDecay, nesterov } = attrs as unknown as UpdateAttrs;
    const host = hostTensors(backend, backendName);
    const newVariableInfo = host.alloc(variable.shape);
    const newBufferInfo = host.alloc(variable.shape);
    const simd = backendName === 'wasm' ? simdKernels(backend) : null;
    if (simd) {
      // The same float32 operations in WASM SIMD (native/kernels.c: sgd_update).
      const [pp, pg, pb, ppOut, pbOut] = [
        variable,
        grad,
        buffer,
        newVariableInfo,
        newBufferInfo,
      ].map((t) => pointerOf(backend, t));
      const size = variable.shape.reduce((a, b) => a * b, 1);
      simd.sgd_update(pp, pg, pb, ppOut, pbOut, size, lr, momentum, weightDecay, nesterov ? 1 : 0);
      return [newVariableInfo, newBufferInfo];
    }
    const [p, g, b, pOut, bOut] = [variable, grad, buffer, newVariableInfo, newBufferInfo].map(
      (t) => host.view(t),
    );
    const f = Math.fround;
    const [rate, m, wd] = [f(lr), f(momentum), f(weightDecay)];
    const decay = weightDecay > 0;
    for (let i = 0; i < p.length; i++) {
      const d = decay ? f(g[i] + f(p[i] * wd)) : g[i];
      const buf = f(f(b[i] * m) + d);
      const direction = nesterov ? f(d + f(buf * m)) : buf;
      bOut[i] = buf;
      pOut[i] = p[i] - f(direction * rate);
    }
    return [newVariableInfo, newBufferInfo];
  };
}

let registered = false;

/** Registers the update kernel for 'wasm' and 'cpu'; idempotent. */
export function registerSgdKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu'] as const) {
    tf.registerKernel({
      kernelName: SGD_MOMENTUM_UPDATE,
      backendName,
      kernelFunc: updateKernel(backendName) as unknown as tf.KernelFunc,
    });
  }
}

/**
 * The new variable and momentum buffer of one update, or null where the active backend has no
 * such kernel (the caller then composes the update from ops). Not differentiable.
 */
export function sgdMomentumUpdate(
  variable: tf.Tensor,
  grad: tf.Tensor,
  buffer: tf.Tensor,
  attrs: UpdateAttrs,
): [tf.Tensor, tf.Tensor] | null {
  registerSgdKernels();
  if (tf.getKernel(SGD_MOMENTUM_UPDATE, tf.getBackend()) === undefined) return null;
  if (variable.dtype !== 'float32' || grad.dtype !== 'float32' || buffer.dtype !== 'float32') {
    return null;
  }
  const outputs = tf.engine().runKernel(SGD_MOMENTUM_UPDATE, { variable, grad, buffer }, {
    ...attrs,
  } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [outputs[0], outputs[1]];
}

import { InvalidArgumentError } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { sgdMomentumUpdate } from './wasm-kernels/index.js';

/** Settings of {@link NesterovSgd}; defaults are the paper's (SPEC section 4). */
export interface SgdOptions {
  /** Momentum factor, 0 ≤ m < 1; default 0.9. */
  readonly momentum?: number;
  /** L2 weight decay added to every gradient (PyTorch style), ≥ 0; default 5e-4. */
  readonly weightDecay?: number;
  /** Nesterov momentum; default true. */
  readonly nesterov?: boolean;
}

/**
 * SGD exactly as `torch.optim.SGD(momentum, nesterov, weight_decay, dampening=0)` computes it:
 * d = g + wd·p; buf = d on the first step, else m·buf + d; d' = d + m·buf (Nesterov) or buf;
 * p ← p − lr·d'.
 */
export class NesterovSgd {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly buffers = new Map<tf.Variable, tf.Variable>();

  constructor(options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 5e-4;
    this.nesterov = options.nesterov ?? true;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new InvalidArgumentError('trainer', 'momentum', this.momentum, '0 ≤ momentum < 1');
    }
    if (!(this.weightDecay >= 0)) {
      throw new InvalidArgumentError('trainer', 'weightDecay', this.weightDecay, 'numbers ≥ 0');
    }
  }

  /** Applies one update with learning rate `lr` (> 0) to each variable that has a gradient. */
  step(lr: number, variables: readonly tf.Variable[], grads: Record<string, tf.Tensor>): void {
    const attrs = {
      lr,
      momentum: this.momentum,
      weightDecay: this.weightDecay,
      nesterov: this.nesterov,
    };
    for (const variable of variables) {
      const grad = grads[variable.name];
      if (!grad) continue;
      const buffer = this.buffers.get(variable);
      // One fused kernel per variable where the backend has it (same float32 roundings as the
      // ops below, so the same bits); else the ops.
      const fused = buffer ? sgdMomentumUpdate(variable, grad, buffer, attrs) : null;
      if (fused && buffer) {
        buffer.assign(fused[1]);
        variable.assign(fused[0]);
        tf.dispose(fused);
        continue;
      }
      tf.tidy(() => {
        const d = this.weightDecay > 0 ? tf.add(grad, tf.mul(variable, this.weightDecay)) : grad;
        let momentumBuffer = buffer;
        if (!momentumBuffer) {
          momentumBuffer = tf.variable(d, false);
          this.buffers.set(variable, momentumBuffer);
        } else {
          momentumBuffer.assign(tf.add(tf.mul(momentumBuffer, this.momentum), d));
        }
        const direction = this.nesterov
          ? tf.add(d, tf.mul(momentumBuffer, this.momentum))
          : momentumBuffer;
        variable.assign(tf.sub(variable, tf.mul(direction, lr)));
      });
    }
  }

  /** Releases the momentum buffers. */
  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}

/**
 * Learning rate of `torch.optim.lr_scheduler.CosineAnnealingLR` (η_min = 0) for 0-based `epoch`
 * when stepped once per epoch: lr0 · (1 + cos(π·epoch/tMax)) / 2. tMax: epochs, integer ≥ 1.
 */
export function cosineAnnealingLr(baseLr: number, epoch: number, tMax: number): number {
  if (!Number.isInteger(tMax) || tMax < 1) {
    throw new InvalidArgumentError('trainer', 'tMax', tMax, 'integers ≥ 1');
  }
  return (baseLr * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
}

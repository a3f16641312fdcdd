import { InvalidArgumentError } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';

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
    for (const variable of variables) {
      const grad = grads[variable.name];
      if (!grad) continue;
      tf.tidy(() => {
        const d = this.weightDecay > 0 ? tf.add(grad, tf.mul(variable, this.weightDecay)) : grad;
        let buffer = this.buffers.get(variable);
        if (!buffer) {
          buffer = tf.variable(d, false);
          this.buffers.set(variable, buffer);
        } else {
          buffer.assign(tf.add(tf.mul(buffer, this.momentum), d));
        }
        const direction = this.nesterov ? tf.add(d, tf.mul(buffer, this.momentum)) : buffer;
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

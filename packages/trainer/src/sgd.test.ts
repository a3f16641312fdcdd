import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineAnnealingLr, NesterovSgd } from './sgd.js';
import { expectAllClose, expectNoLeak, useCpuBackend, valuesOf } from './test-helpers.js';

beforeAll(useCpuBackend);

/** Steps `optimizer` on loss p² (gradient 2p) `steps` times from p = 1; returns p after each. */
function trajectory(optimizer: NesterovSgd, lr: number, steps: number): number[] {
  const p = tf.tidy(() => tf.variable(tf.scalar(1), true, `p${Math.random()}`));
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(() => tf.square(p) as tf.Scalar, [p]);
    optimizer.step(lr, [p], grads);
    tf.dispose([value, ...Object.values(grads)]);
    values.push(p.dataSync()[0]);
  }
  optimizer.dispose();
  p.dispose();
  return values;
}

describe('NesterovSgd', () => {
  it('matches torch.optim.SGD(nesterov=True, momentum=0.9, weight_decay) worked out by hand', async () => {
    // lr 0.1, wd 0.01, loss p², p0 = 1. PyTorch: d = g + wd·p; buf = d (step 1) or 0.9·buf + d;
    // p -= lr·(d + 0.9·buf).
    // step 1: g 2, d 2.01, buf 2.01, p = 1 − 0.1·(2.01 + 1.809) = 0.6181
    // step 2: g 1.2362, d 1.242381, buf 3.051381, p = 0.6181 − 0.1·3.9886239 = 0.21923761
    // step 3: g 0.43847522, d 0.4406675961, buf 3.1869104961,
    //         p = 0.21923761 − 0.1·3.30888704259 = −0.111651094259
    const values = await expectNoLeak(() =>
      trajectory(new NesterovSgd({ momentum: 0.9, weightDecay: 0.01 }), 0.1, 3),
    );
    expect(values[0]).toBeCloseTo(0.6181, 6);
    expect(values[1]).toBeCloseTo(0.21923761, 6);
    expect(values[2]).toBeCloseTo(-0.111651094259, 6);
  });

  it('uses the momentum buffer itself without Nesterov', () => {
    // step 1: d 2.01, buf 2.01, p = 1 − 0.201 = 0.799
    // step 2: g 1.598, d 1.60599, buf 1.809 + 1.60599 = 3.41499, p = 0.799 − 0.341499 = 0.457501
    const values = trajectory(
      new NesterovSgd({ momentum: 0.9, weightDecay: 0.01, nesterov: false }),
      0.1,
      2,
    );
    expect(values[0]).toBeCloseTo(0.799, 6);
    expect(values[1]).toBeCloseTo(0.457501, 6);
  });

  it("defaults to the paper's momentum 0.9, Nesterov and weight decay 5e-4", () => {
    const optimizer = new NesterovSgd();
    expect([optimizer.momentum, optimizer.nesterov, optimizer.weightDecay]).toEqual([
      0.9,
      true,
      5e-4,
    ]);
    // One step on a vector with gradient (1, −2) at p = (3, 4): d = g + 5e-4·p.
    const p = tf.tidy(() => tf.variable(tf.tensor1d([3, 4]), true, 'vector'));
    const grads = { vector: tf.tensor1d([1, -2]) };
    optimizer.step(0.05, [p], grads);
    const d = [1 + 5e-4 * 3, -2 + 5e-4 * 4];
    const expected = [3 - 0.05 * 1.9 * d[0], 4 - 0.05 * 1.9 * d[1]];
    expectAllClose(valuesOf(p), expected, 1e-6);
    tf.dispose([p, grads.vector]);
    optimizer.dispose();
  });

  it('leaves a parameter without a gradient untouched, as PyTorch skips p.grad = None', () => {
    const optimizer = new NesterovSgd();
    const used = tf.tidy(() => tf.variable(tf.scalar(1), true, 'used'));
    const unused = tf.tidy(() => tf.variable(tf.scalar(1), true, 'unused'));
    const { value, grads } = tf.variableGrads(() => tf.square(used) as tf.Scalar, [used, unused]);
    expect(Object.keys(grads)).toEqual(['used']);
    optimizer.step(0.1, [used, unused], grads);
    expect(unused.dataSync()[0]).toBe(1);
    expect(used.dataSync()[0]).toBeLessThan(1);
    tf.dispose([value, used, unused, ...Object.values(grads)]);
    optimizer.dispose();
  });

  it('rejects momentum outside [0, 1) and negative weight decay', () => {
    expect(() => new NesterovSgd({ momentum: 1 })).toThrow(/momentum 1 is not valid/);
    expect(() => new NesterovSgd({ weightDecay: -1 })).toThrow(/weightDecay -1 is not valid/);
  });
});

/** torch.optim.lr_scheduler.CosineAnnealingLR's recursive get_lr (η_min = 0), epochs 0..n−1. */
function torchRecursiveCosine(baseLr: number, tMax: number, epochs: number): number[] {
  const lrs = [baseLr];
  for (let epoch = 1; epoch < epochs; epoch++) {
    const previous = lrs[epoch - 1];
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      lrs.push(previous + (baseLr * (1 - Math.cos(Math.PI / tMax))) / 2);
    } else {
      const ratio =
        (1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax));
      lrs.push(ratio * previous);
    }
  }
  return lrs;
}

describe('cosineAnnealingLr', () => {
  it('gives the hand values at the start, quarter, middle and end of 12 epochs', () => {
    expect(cosineAnnealingLr(0.1, 0, 12)).toBe(0.1);
    expect(cosineAnnealingLr(0.1, 3, 12)).toBeCloseTo((0.1 * (1 + Math.SQRT1_2)) / 2, 12);
    expect(cosineAnnealingLr(0.1, 6, 12)).toBeCloseTo(0.05, 12);
    expect(cosineAnnealingLr(0.1, 12, 12)).toBeCloseTo(0, 12);
  });

  it("equals PyTorch's recursive schedule stepped once per epoch", () => {
    for (const [baseLr, tMax] of [
      [0.4, 12],
      [0.003125, 12],
      [0.1, 36],
      [0.05, 200],
    ]) {
      const reference = torchRecursiveCosine(baseLr, tMax, tMax);
      reference.forEach((lr, epoch) => {
        expect(Math.abs(cosineAnnealingLr(baseLr, epoch, tMax) - lr)).toBeLessThan(1e-12);
      });
    }
  });

  it('rejects a non-integer or zero T_max', () => {
    expect(() => cosineAnnealingLr(0.1, 0, 0)).toThrow(/tMax 0 is not valid/);
  });
});

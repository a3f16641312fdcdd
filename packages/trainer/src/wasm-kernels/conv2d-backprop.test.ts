import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { normals, relativeError, runOn, setupBackends } from './test-support.js';

/**
 * Float32 sums of up to ~4,000 products, in another order than the plain-JS kernels use, differ by
 * ~1e-6 of the result's scale; 1e-5 leaves margin yet catches any wrong tap or offset (O(1)).
 */
const TOLERANCE = 1e-5;

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { input: [4, 8, 8, 3], filter: [3, 3, 3, 5], stride: 1, pad: 1 },
  { input: [4, 8, 8, 6], filter: [3, 3, 6, 12], stride: 2, pad: 1 },
  { input: [3, 7, 9, 4], filter: [3, 3, 4, 4], stride: 2, pad: 1 },
  { input: [2, 6, 6, 4], filter: [1, 1, 4, 8], stride: 1, pad: 0 },
  { input: [2, 9, 9, 2], filter: [5, 5, 2, 3], stride: 1, pad: 'same' },
  { input: [2, 9, 8, 3], filter: [3, 3, 3, 2], stride: 2, pad: 'same' },
  { input: [2, 10, 10, 3], filter: [3, 3, 3, 4], stride: 3, pad: 'valid' },
  { input: [2, 8, 8, 3], filter: [2, 2, 3, 4], stride: 2, pad: 0 },
  {
    input: [2, 7, 7, 2],
    filter: [3, 3, 2, 3],
    stride: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { input: [2, 9, 11, 2], filter: [3, 2, 2, 3], stride: [2, 1], pad: 1 },
  // SIMD input gradient: rows of 7 and 9 pixels (blocks of 4 plus single pixels), 12 and 4
  // channels (vectors of 8 and of 4), uneven padding, a 5×5 filter.
  {
    input: [2, 7, 9, 12],
    filter: [3, 3, 12, 4],
    stride: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { input: [2, 6, 5, 4], filter: [5, 5, 4, 8], stride: 1, pad: 'same' },
  // Strided SIMD input gradient (input channels in fours): strides 2 and 3, 'valid', 'same'
  // with a 5×5 filter, 2×2 windows, rows of 8-11 pixels (blocks of 4 per phase plus single ones).
  { input: [2, 10, 11, 8], filter: [3, 3, 8, 4], stride: 3, pad: 'valid' },
  { input: [2, 9, 8, 4], filter: [5, 5, 4, 4], stride: 2, pad: 'same' },
  { input: [2, 8, 8, 12], filter: [2, 2, 12, 8], stride: 2, pad: 0 },
  // The trainer's layer shapes at a smaller batch (sums over 2,048-4,096 pixels; SIMD blocks of
  // 4 input × 8 output channels).
  { input: [16, 16, 16, 8], filter: [3, 3, 8, 8], stride: 1, pad: 1 },
  { input: [32, 8, 8, 16], filter: [3, 3, 16, 32], stride: 2, pad: 1 },
  { input: [16, 4, 4, 32], filter: [3, 3, 32, 32], stride: 1, pad: 1 },
];

function outputShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.input, c.filter, c.stride, 1, c.pad);
  return info.outShape;
}

function label(c: Case): string {
  return `x ${c.input}, filter ${c.filter}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`;
}

describe('WASM convolution gradients against the plain-JS backend', () => {
  beforeAll(setupBackends);

  for (const [index, c] of CASES.entries()) {
    it(`Conv2DBackpropFilter: ${label(c)}`, async () => {
      const dyShape = outputShape(c);
      const x = normals(
        c.input.reduce((a, b) => a * b),
        10 + index,
      );
      const dy = normals(
        dyShape.reduce((a, b) => a * b),
        100 + index,
      );
      const compute = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor(x, c.input), dy: tf.tensor(dy, dyShape) },
            { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
          ) as tf.Tensor;
      const [wasm] = await runOn('wasm', compute);
      const [cpu] = await runOn('cpu', compute);
      expect(cpu.length).toBe(c.filter.reduce((a, b) => a * b));
      expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
    });

    it(`Conv2DBackpropInput: ${label(c)}`, async () => {
      const dyShape = outputShape(c);
      const w = normals(
        c.filter.reduce((a, b) => a * b),
        20 + index,
      );
      const dy = normals(
        dyShape.reduce((a, b) => a * b),
        200 + index,
      );
      const compute = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor(dy, dyShape), filter: tf.tensor(w, c.filter) },
            { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.input },
          ) as tf.Tensor;
      const [wasm] = await runOn('wasm', compute);
      const [cpu] = await runOn('cpu', compute);
      expect(cpu.length).toBe(c.input.reduce((a, b) => a * b));
      expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
    });
  }

  it('gives the gradients of a strided convolution through tf.grads, without leaking', async () => {
    const xShape: [number, number, number, number] = [3, 8, 8, 4];
    const wShape: [number, number, number, number] = [3, 3, 4, 6];
    const x = normals(3 * 8 * 8 * 4, 1);
    const w = normals(3 * 3 * 4 * 6, 2);
    const target = normals(3 * 4 * 4 * 6, 3);
    const compute = () => {
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 1),
            tf.tensor(target, [3, 4, 4, 6]),
          ),
        );
      return tf.grads(loss)([tf.tensor(x, xShape), tf.tensor(w, wShape)]);
    };
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const wasm = await runOn('wasm', compute);
    expect(tf.memory().numTensors).toBe(before);
    const cpu = await runOn('cpu', compute);
    expect(relativeError(wasm[0], cpu[0])).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm[1], cpu[1])).toBeLessThan(TOLERANCE);
  });
});

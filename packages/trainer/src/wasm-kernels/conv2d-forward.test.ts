import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dWithBias } from './conv2d-forward.js';
import { normals, relativeError, runOn, setupBackends } from './test-support.js';

/**
 * Float32 sums of up to ~300 products in another order than the plain-JS backend's: ~1e-6 of the
 * result's scale; 1e-5 leaves margin yet catches any wrong tap, offset or bias (O(1)).
 */
const TOLERANCE = 1e-5;

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

const CASES: {
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}[] = [
  // The trainer's stem (3 input channels), cells (8-32 channels) and 1×1 shortcut.
  { input: [4, 16, 16, 3], filter: [3, 3, 3, 8], stride: 1, pad: 1 },
  { input: [4, 8, 8, 16], filter: [3, 3, 16, 16], stride: 1, pad: 1 },
  { input: [4, 4, 4, 32], filter: [3, 3, 32, 32], stride: 1, pad: 1 },
  { input: [3, 6, 6, 8], filter: [1, 1, 8, 16], stride: 1, pad: 0 },
  // Rows of 7 and 9 pixels (blocks of 4 and single pixels), 12 output channels (8 + 4), uneven
  // and one-sided padding, 'valid' and 'same' with a 5×5 filter.
  {
    input: [2, 7, 9, 5],
    filter: [3, 3, 5, 12],
    stride: 1,
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { input: [2, 9, 7, 4], filter: [3, 3, 4, 4], stride: 1, pad: 'valid' },
  { input: [2, 6, 5, 4], filter: [5, 5, 4, 8], stride: 1, pad: 'same' },
  // Strides 2 and 3 (the reduction block's conv_a; a valid window that leaves rows unread).
  { input: [2, 8, 8, 4], filter: [3, 3, 4, 8], stride: 2, pad: 1 },
  { input: [4, 16, 16, 8], filter: [3, 3, 8, 16], stride: 2, pad: 1 },
  { input: [2, 10, 11, 4], filter: [3, 3, 4, 8], stride: 3, pad: 'valid' },
  { input: [2, 9, 9, 4], filter: [2, 2, 4, 4], stride: 2, pad: 0 },
  // Not the SIMD kernel's (6 output channels): the stock kernel.
  { input: [2, 8, 8, 4], filter: [3, 3, 4, 6], stride: 1, pad: 1 },
];

const label = (c: (typeof CASES)[number]) =>
  `x ${c.input}, filter ${c.filter}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`;

describe('WASM forward convolution against the plain-JS backend', () => {
  beforeAll(setupBackends);

  for (const [index, c] of CASES.entries()) {
    const x = normals(
      c.input.reduce((a, b) => a * b),
      30 + index,
    );
    const w = normals(
      c.filter.reduce((a, b) => a * b),
      40 + index,
    );
    const bias = normals(c.filter[3], 50 + index);

    it(`Conv2D: ${label(c)}`, async () => {
      const compute = () =>
        tf.conv2d(tf.tensor4d(x, c.input), tf.tensor4d(w, c.filter), c.stride, c.pad);
      const [wasm] = await runOn('wasm', compute);
      const [cpu] = await runOn('cpu', compute);
      expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
    });

    it(`FusedConv2D with bias: ${label(c)}`, async () => {
      const compute = () =>
        tf.fused.conv2d({
          x: tf.tensor4d(x, c.input),
          filter: tf.tensor4d(w, c.filter),
          strides: c.stride,
          pad: c.pad,
          bias: tf.tensor1d(bias),
        });
      const [wasm] = await runOn('wasm', compute);
      const [cpu] = await runOn('cpu', compute);
      expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
    });
  }

  it('leaves a fused activation to the stock kernel', async () => {
    const c = CASES[1];
    const compute = () =>
      tf.fused.conv2d({
        x: tf.tensor4d(normals(4 * 8 * 8 * 16, 7), c.input),
        filter: tf.tensor4d(normals(9 * 16 * 16, 8), c.filter),
        strides: 1,
        pad: 1,
        bias: tf.tensor1d(normals(16, 9)),
        activation: 'relu',
      });
    const [wasm] = await runOn('wasm', compute);
    const [cpu] = await runOn('cpu', compute);
    expect(Math.min(...cpu)).toBe(0);
    expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
  });

  for (const c of [CASES[0], CASES[4], CASES[7]]) {
    it(`conv2dWithBias: values and gradients of tf.fused.conv2d, ${label(c)}`, async () => {
      const size = (shape: number[]) => shape.reduce((a, b) => a * b);
      const x = normals(size(c.input), 60);
      const w = normals(size(c.filter), 61);
      const bias = normals(c.filter[3], 62);
      const stride = c.stride;
      const pad = c.pad as 'valid' | 'same' | number;
      const out = tf.backend_util.computeConv2DInfo(c.input, c.filter, stride, 1, pad).outShape;
      const weight = normals(size(out), 63);
      const compute = (conv: typeof conv2dWithBias) => () => {
        const loss = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
          tf.sum(
            tf.mul(
              conv(a as tf.Tensor4D, b as tf.Tensor4D, d as tf.Tensor1D, stride, pad),
              tf.tensor(weight, out),
            ),
          );
        const inputs = [tf.tensor(x, c.input), tf.tensor(w, c.filter), tf.tensor1d(bias)];
        const y = conv(
          inputs[0] as tf.Tensor4D,
          inputs[1] as tf.Tensor4D,
          inputs[2] as tf.Tensor1D,
          stride,
          pad,
        );
        return [y, ...tf.grads(loss)(inputs)];
      };
      const fused: typeof conv2dWithBias = (a, b, d, s, p) =>
        tf.fused.conv2d({ x: a, filter: b, bias: d, strides: s, pad: p });
      const expected = await runOn('cpu', compute(fused));
      for (const backend of ['wasm', 'cpu'] as const) {
        const actual = await runOn(backend, compute(conv2dWithBias));
        for (const [i, name] of ['y', 'dx', 'dfilter', 'dbias'].entries()) {
          const error = relativeError(actual[i], expected[i]);
          expect({ backend, name, ok: error < TOLERANCE }).toEqual({ backend, name, ok: true });
        }
      }
    });
  }

  it('conv2dWithBias computes no input gradient when only the weights need one', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(normals(2 * 8 * 8 * 3, 70), [2, 8, 8, 3]);
    const filter = tf.variable(tf.tensor4d(normals(9 * 3 * 8, 71), [3, 3, 3, 8]));
    const bias = tf.variable(tf.tensor1d(normals(8, 72)));
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(conv2dWithBias(x, filter, bias, 1, 1)),
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const kernels = info.kernelNames;
    expect(kernels).toContain('Conv2DBackpropFilter');
    expect(kernels).not.toContain('Conv2DBackpropInput');
    tf.dispose([x, filter, bias]);
  });
});

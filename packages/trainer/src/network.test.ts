import { cellClassOf, networkCost } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from './network.js';
import { expectNoLeak, useCpuBackend, valuesOf } from './test-helpers.js';

beforeAll(useCpuBackend);

const SMALL = { stemChannels: 4, cellsPerStage: 1, inputSize: 8 } as const;
const CELLS = ['0|00|000', '1|22|122', '2|22|222', '0|10|210', '3|33|333', '0|00|333', '0|00|233'];

function randomImages(count: number, size: number, seed: number): tf.Tensor4D {
  return tf.randomNormal([count, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}

describe('createNetwork', () => {
  it("counts the search-space package's analytic parameters, zero-output class included", () => {
    expect(cellClassOf('0|00|333').id).toBe(cellClassOf('3|33|333').id);
    for (const code of CELLS) {
      for (const shape of [SMALL, { stemChannels: 8, cellsPerStage: 2, inputSize: 16 }]) {
        const network = createNetwork(code, shape);
        expect(network.parameterCount, `${code}`).toBe(networkCost(code, shape).parameters);
        const summed = network.trainable.reduce((sum, p) => sum + p.variable.size, 0);
        expect(summed).toBe(network.parameterCount);
        network.dispose();
      }
    }
  });

  it("has the paper's sizes at the default shape", () => {
    // '2|22|222': no cell convolutions; stem 3·16·9+16+32, reductions, head 64·10+10+128.
    const network = createNetwork('2|22|222');
    expect(network.shape).toMatchObject({ stemChannels: 16, cellsPerStage: 5, inputSize: 32 });
    expect(network.parameterCount).toBe(networkCost('2|22|222').parameters);
    const stem = 3 * 16 * 9 + 16 + 32;
    const reduction = (c: number) => 9 * c * 2 * c + 2 * c + 4 * c + 9 * 4 * c * c + 2 * c + 4 * c;
    const shortcut = (c: number) => c * 2 * c + 2 * c;
    const head = 2 * 64 + 64 * 10 + 10;
    const expected = stem + reduction(16) + shortcut(16) + reduction(32) + shortcut(32) + head;
    expect(network.parameterCount).toBe(expected);
    network.dispose();
  });

  it('gives [batch, classes] logits in training and evaluation without leaking tensors', async () => {
    for (const code of CELLS) {
      const network = createNetwork(code, { ...SMALL, seed: 1 });
      await expectNoLeak(() => {
        const images = randomImages(3, 8, 2);
        const train = tf.tidy(() => network.forward(images, true));
        const evaluation = tf.tidy(() => network.forward(images, false));
        expect(train.shape).toEqual([3, 10]);
        expect(evaluation.shape).toEqual([3, 10]);
        expect(valuesOf(train).every(Number.isFinite)).toBe(true);
        tf.dispose([images, train, evaluation]);
      });
      network.dispose();
    }
  });

  it('releases every variable on dispose', () => {
    const before = tf.memory().numTensors;
    const network = createNetwork('0|10|210', SMALL);
    expect(tf.memory().numTensors).toBe(before + network.trainable.length + network.buffers.length);
    network.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('outputs the same logits for every image when the cell output is cut off (zero class)', () => {
    for (const code of ['3|33|333', '0|00|333']) {
      const network = createNetwork(code, { ...SMALL, seed: 3 });
      const logits = tf.tidy(() => valuesOf(network.forward(randomImages(2, 8, 4), false)));
      for (let k = 0; k < 10; k++) expect(logits[k]).toBeCloseTo(logits[10 + k], 5);
      network.dispose();
    }
    // A network whose cells pass information depends on the image.
    const network = createNetwork('2|22|222', { ...SMALL, seed: 3 });
    const logits = tf.tidy(() => valuesOf(network.forward(randomImages(2, 8, 4), false)));
    expect(Math.abs(logits[0] - logits[10])).toBeGreaterThan(1e-4);
    network.dispose();
  });

  it('gives equal networks for equal seeds and different ones for different seeds', () => {
    const a = createNetwork('0|10|210', { ...SMALL, seed: 7 });
    const b = createNetwork('0|10|210', { ...SMALL, seed: 7 });
    const c = createNetwork('0|10|210', { ...SMALL, seed: 8 });
    a.trainable.forEach((p, i) => {
      expect(p.name).toBe(b.trainable[i].name);
      expect(valuesOf(p.variable)).toEqual(valuesOf(b.trainable[i].variable));
    });
    expect(valuesOf(a.trainable[0].variable)).not.toEqual(valuesOf(c.trainable[0].variable));
    for (const n of [a, b, c]) n.dispose();
  });

  it('computes gradients for every parameter that reaches the output', () => {
    const network = createNetwork('0|10|210', { ...SMALL, seed: 5 });
    const images = randomImages(4, 8, 6);
    const { value, grads } = tf.variableGrads(
      () => tf.mean(network.forward(images, true)) as tf.Scalar,
      network.trainable.map((p) => p.variable),
    );
    const withGradient = network.trainable.filter((p) => grads[p.variable.name] !== undefined);
    expect(withGradient.length).toBe(network.trainable.length);
    tf.dispose([value, images, ...Object.values(grads)]);
    network.dispose();
  });

  it('rejects a bad cell code and a bad shape', () => {
    expect(() => createNetwork('0|0|000')).toThrow(/cell code '0\|0\|000' is not valid/);
  });
});

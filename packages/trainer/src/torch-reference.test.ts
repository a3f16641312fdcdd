import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from './network.js';
import { NesterovSgd } from './sgd.js';
import { expectAllClose, useCpuBackend, valuesOf } from './test-helpers.js';

beforeAll(useCpuBackend);

/** Values PyTorch computed (see __fixtures__/torch_reference.py); float64 there, float32 here. */
interface TorchReference {
  cell: string;
  names: string[];
  shapes: number[][];
  labels: number[];
  losses: number[];
  logitsTrain: number[][];
  stemRunningMean: number[];
  stemRunningVar: number[];
  /** Every batch norm's running mean and variance after the two steps, by layer name. */
  runningStatistics: Record<string, [number[], number[]]>;
  paramsAfter: Record<string, number[]>;
}

/** '0|12|201' (pool, skip, one conv per node) and '0|00|000' (the merged convolutions of a node). */
const REFERENCES: TorchReference[] = ['torch-reference.json', 'torch-reference-0-00-000.json'].map(
  (file) => JSON.parse(readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), 'utf8')),
);
/** float32 forward and backward through ~20 layers against float64. */
const TOLERANCE = 2e-4;

/** Flat PyTorch index order → TensorFlow layout: conv [o,i,kh,kw] → [kh,kw,i,o], linear [o,i] → [i,o]. */
function toTensorFlow(
  values: number[],
  torchShape: number[],
): { values: Float32Array; shape: number[] } {
  if (torchShape.length === 4) {
    const [o, i, kh, kw] = torchShape;
    const out = new Float32Array(values.length);
    for (let a = 0; a < o; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            out[((y * kw + x) * i + b) * o + a] = values[((a * i + b) * kh + y) * kw + x];
    return { values: out, shape: [kh, kw, i, o] };
  }
  if (torchShape.length === 2) {
    const [o, i] = torchShape;
    const out = new Float32Array(values.length);
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[b * o + a] = values[a * i + b];
    return { values: out, shape: [i, o] };
  }
  return { values: Float32Array.from(values), shape: torchShape };
}

describe('network and optimizer against PyTorch', () => {
  it.each(REFERENCES.map((reference) => [reference.cell, reference] as const))(
    '%s: matches logits, loss, running statistics and two Nesterov SGD steps',
    (_, reference) => {
      const network = createNetwork(reference.cell, {
        stemChannels: 4,
        cellsPerStage: 1,
        inputSize: 8,
      });
      expect(network.trainable.map((p) => p.name)).toEqual(reference.names);
      network.trainable.forEach(({ variable }, p) => {
        const torchValues = Array.from(
          { length: variable.size },
          (_, i) => 0.3 * Math.sin(1.3 * i + 0.7 * p + 0.1),
        );
        const { values, shape } = toTensorFlow(torchValues, reference.shapes[p]);
        expect(variable.shape).toEqual(shape);
        tf.tidy(() => variable.assign(tf.tensor(values, shape)));
      });

      // Images defined in NCHW order, as PyTorch holds them; fed NHWC.
      const nchw = Array.from({ length: 4 * 3 * 64 }, (_, i) => Math.sin(0.11 * i));
      const images = tf.tidy(() =>
        tf.transpose(tf.tensor4d(nchw, [4, 3, 8, 8]), [0, 2, 3, 1]),
      ) as tf.Tensor4D;
      const labels = tf.tensor1d(reference.labels, 'int32');
      const optimizer = new NesterovSgd({ momentum: 0.9, weightDecay: 5e-4 });
      const variables = network.trainable.map((p) => p.variable);

      for (let step = 0; step < 2; step++) {
        let logits: number[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const output = network.forward(images, true);
          logits = valuesOf(output);
          const logProbabilities = tf.logSoftmax(output);
          return tf.neg(
            tf.mean(tf.sum(tf.mul(tf.oneHot(labels, 10), logProbabilities), 1)),
          ) as tf.Scalar;
        }, variables);
        expectAllClose(logits, reference.logitsTrain[step], TOLERANCE);
        expect(value.dataSync()[0]).toBeCloseTo(reference.losses[step], 4);
        optimizer.step(0.1, variables, grads);
        tf.dispose([value, ...Object.values(grads)]);
      }

      const stemBn = network.buffers.slice(0, 2).map(valuesOf);
      expectAllClose(stemBn[0], reference.stemRunningMean, TOLERANCE);
      expectAllClose(stemBn[1], reference.stemRunningVar, TOLERANCE);
      // Buffers are made in the order of the layers' batch norms, as PyTorch's running dict.
      const running = Object.values(reference.runningStatistics).flat();
      expect(network.buffers.length).toBe(running.length);
      network.buffers.forEach((buffer, i) => {
        expectAllClose(valuesOf(buffer), running[i], TOLERANCE);
      });
      network.trainable.forEach(({ name, variable }, p) => {
        const expected = toTensorFlow(reference.paramsAfter[name], reference.shapes[p]).values;
        expectAllClose(valuesOf(variable), expected, TOLERANCE);
      });
      tf.dispose([images, labels]);
      optimizer.dispose();
      network.dispose();
    },
  );
});

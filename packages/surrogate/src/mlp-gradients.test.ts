import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { ensembleGradients } from './mlp-ensemble.js';
import { tensorflow } from './tensorflow.js';

// Members 2, inputs 3, one hidden layer of 4, outputs 2 (heads: 2 means + 2 raw variances), batch 5.
const [M, P, H, Q, B] = [2, 3, 4, 2, 5];
const SIZES = [P, H, 2 * Q];
const DECAY = 0.01;
const VARIANCE_FLOOR = 1e-4;
const STEP = 1e-6;

function randomArray(length: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length }, () => Math.fround(rng.normal()));
}

/** The training loss of all members in float64, written out independently of the tensor code. */
function loss(weights: number[][], biases: number[][], x: number[], y: number[], nll: boolean) {
  let total = 0;
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < B; i++) {
      let h = x.slice((m * B + i) * P, (m * B + i + 1) * P);
      for (let l = 0; l < 2; l++) {
        const [fanIn, fanOut] = [SIZES[l], SIZES[l + 1]];
        const next = new Array<number>(fanOut).fill(0);
        for (let o = 0; o < fanOut; o++) {
          next[o] = biases[l][m * fanOut + o];
          for (let k = 0; k < fanIn; k++)
            next[o] += h[k] * weights[l][(m * fanIn + k) * fanOut + o];
        }
        h = l === 0 ? next.map((v) => Math.max(0, v)) : next;
      }
      for (let j = 0; j < Q; j++) {
        const residual = y[(m * B + i) * Q + j] - h[j];
        const variance = Math.log1p(Math.exp(h[Q + j])) + VARIANCE_FLOOR;
        const term = nll ? Math.log(variance) + residual ** 2 / variance : residual ** 2;
        total += (0.5 * term) / (B * Q);
      }
    }
  }
  for (const layer of weights) for (const value of layer) total += 0.5 * DECAY * value * value;
  return total;
}

describe('ensemble backpropagation', () => {
  for (const nll of [false, true]) {
    it(`matches finite differences of the ${nll ? 'Gaussian NLL' : 'squared error'}`, () => {
      const tf = tensorflow();
      const weights = [randomArray(M * P * H, 1), randomArray(M * H * 2 * Q, 2)];
      const biases = [randomArray(M * H, 3), randomArray(M * 2 * Q, 4)];
      const x = randomArray(M * B * P, 5);
      const y = randomArray(M * B * Q, 6);

      const analytic = tf.tidy(() => {
        const w = weights.map((values, l) => tf.tensor3d(values, [M, SIZES[l], SIZES[l + 1]]));
        const b = biases.map((values, l) => tf.tensor3d(values, [M, 1, SIZES[l + 1]]));
        const grads = ensembleGradients(
          w,
          b,
          tf.tensor3d(x, [M, B, P]),
          tf.tensor3d(y, [M, B, Q]),
          nll,
          DECAY,
        );
        return grads.map((g) => Array.from(g.dataSync()));
      });

      const parameters = [...weights, ...biases];
      parameters.forEach((values, k) => {
        values.forEach((value, i) => {
          values[i] = value + STEP;
          const up = loss(weights, biases, x, y, nll);
          values[i] = value - STEP;
          const down = loss(weights, biases, x, y, nll);
          values[i] = value;
          const numeric = (up - down) / (2 * STEP);
          // float32 tensors against a float64 reference.
          expect(Math.abs(analytic[k][i] - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
        });
      });
    });
  }
});

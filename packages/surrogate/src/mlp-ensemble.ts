import { createRng, InvalidArgumentError } from '@nashpobench2/search-space';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { tensorflow } from './tensorflow.js';

/** Training options of the deep ensemble; every field has a default. */
export interface EnsembleOptions {
  /** Members, integer ≥ 2; default 5. */
  readonly members?: number;
  /** Hidden layer widths, integers ≥ 1; default [32, 32]. */
  readonly hidden?: readonly number[];
  /** Adam updates per member, integer ≥ 1; default 800. */
  readonly steps?: number;
  /** Rows per update, integer ≥ 1 (capped at the row count); default 32. */
  readonly batchSize?: number;
  /** Peak Adam learning rate, > 0, decayed by a cosine to a tenth; default 0.01. */
  readonly learningRate?: number;
  /** L2 weight decay added to the gradient, ≥ 0; default 1e-4. */
  readonly weightDecay?: number;
  /** Fraction of the steps fitting the mean only (unit variance) before the Gaussian NLL, 0..1; default 0.3. */
  readonly warmupFraction?: number;
  /** Seed of initialisation and batch order, integer; default 0. */
  readonly seed?: number;
}

/** Serialised ensemble: per layer, weights [members, in, out] and biases [members, out], row-major. */
export interface EnsembleState {
  /** Layer sizes from input to output (the last is 2 × outputs: means then raw variances). */
  readonly sizes: number[];
  /** Members of the ensemble. */
  readonly members: number;
  /** Per layer, all members' weights concatenated, float32 values. */
  readonly weights: Float32Array[];
  /** Per layer, all members' biases concatenated, float32 values. */
  readonly biases: Float32Array[];
}

/** Smallest predicted variance in standardised target units, so the NLL stays finite. */
const VARIANCE_FLOOR = 1e-4;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

function resolve(options: EnsembleOptions): Required<EnsembleOptions> {
  const full = {
    members: 5,
    hidden: [32, 32],
    steps: 800,
    batchSize: 32,
    learningRate: 0.01,
    weightDecay: 1e-4,
    warmupFraction: 0.3,
    seed: 0,
    ...options,
  };
  const integers: [string, number, number][] = [
    ['members', full.members, 2],
    ['steps', full.steps, 1],
    ['batchSize', full.batchSize, 1],
    ...full.hidden.map((w, i): [string, number, number] => [`hidden[${i}]`, w, 1]),
  ];
  for (const [name, value, min] of integers) {
    if (!Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError('surrogate', name, value, `integers ≥ ${min}`);
    }
  }
  if (!(full.learningRate > 0)) {
    throw new InvalidArgumentError('surrogate', 'learningRate', full.learningRate, 'numbers > 0');
  }
  if (!(full.warmupFraction >= 0 && full.warmupFraction <= 1)) {
    const shown = full.warmupFraction;
    throw new InvalidArgumentError('surrogate', 'warmupFraction', shown, 'numbers in [0, 1]');
  }
  return full;
}

function initialState(sizes: number[], members: number, seed: number): EnsembleState {
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    const [fanIn, fanOut] = [sizes[layer], sizes[layer + 1]];
    const w = new Float32Array(members * fanIn * fanOut);
    const b = new Float32Array(members * fanOut);
    for (let m = 0; m < members; m++) {
      // He initialisation, each member from its own stream so members differ from the start.
      const rng = createRng(seed).fork(1000 * m + layer);
      const scale = Math.sqrt(2 / fanIn);
      for (let i = 0; i < fanIn * fanOut; i++) w[m * fanIn * fanOut + i] = rng.normal() * scale;
    }
    biases.push(b);
    weights.push(w);
  }
  // Raw variance outputs start at softplus⁻¹(1), i.e. unit variance in standardised units.
  const last = biases.length - 1;
  const outputs = sizes[sizes.length - 1] / 2;
  for (let m = 0; m < members; m++) {
    for (let j = 0; j < outputs; j++)
      biases[last][m * 2 * outputs + outputs + j] = Math.log(Math.E - 1);
  }
  return { sizes, members, weights, biases };
}

/**
 * Gradients of the ensemble's training loss for one batch (internal; exported for the gradient
 * test). Per member, loss = Σ ½(y − μ)² / (B·q) while warming up, else the Gaussian NLL
 * Σ ½(log σ² + (y − μ)²/σ²) / (B·q) with σ² = softplus(raw) + floor; plus ½·decay·‖W‖².
 * w[l]: [M, in, out]; b[l]: [M, 1, out]; xb: [M, B, p]; yb: [M, B, q]. Returns the gradients of
 * the weights then of the biases. Call inside `tf.tidy`.
 */
export function ensembleGradients(
  w: readonly Tensor[],
  b: readonly Tensor[],
  xb: Tensor,
  yb: Tensor,
  nll: boolean,
  weightDecay: number,
): Tensor[] {
  const tf = tensorflow();
  const layers = w.length;
  const [, batch, q] = yb.shape;
  const activations: Tensor[] = [xb];
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(activations[l], w[l]), b[l]);
    activations.push(l + 1 < layers ? tf.relu(z) : z);
  }
  const [mu, raw] = tf.split(activations[layers], 2, 2);
  const residual = tf.sub(yb, mu);
  const scale = 1 / (batch * q);
  let dMu: Tensor;
  let dRaw: Tensor;
  if (nll) {
    const variance = tf.add(tf.softplus(raw), VARIANCE_FLOOR);
    dMu = tf.mul(tf.div(residual, variance), -scale);
    const dVariance = tf.mul(
      tf.sub(tf.reciprocal(variance), tf.div(tf.square(residual), tf.square(variance))),
      0.5 * scale,
    );
    dRaw = tf.mul(dVariance, tf.sigmoid(raw));
  } else {
    dMu = tf.mul(residual, -scale);
    dRaw = tf.zerosLike(raw);
  }

  let delta: Tensor = tf.concat([dMu, dRaw], 2);
  const gradW: Tensor[] = new Array(layers);
  const gradB: Tensor[] = new Array(layers);
  for (let l = layers - 1; l >= 0; l--) {
    gradW[l] = tf.add(tf.matMul(activations[l], delta, true, false), tf.mul(w[l], weightDecay));
    gradB[l] = tf.sum(delta, 1, true);
    if (l > 0) {
      const back = tf.matMul(delta, w[l], false, true);
      delta = tf.mul(back, tf.step(activations[l]));
    }
  }
  return [...gradW, ...gradB];
}

/**
 * Trains a deep ensemble of ReLU MLPs with Gaussian heads (mean and variance per output) by
 * Adam on the Gaussian negative log-likelihood, with hand-written backpropagation on TF.js
 * tensors (the core package ships no gradient registry in Node). x: rows of standardised
 * features; y: rows of standardised targets. All members train together as batched matmuls.
 */
export function trainEnsemble(
  x: readonly ArrayLike<number>[],
  y: readonly ArrayLike<number>[],
  options: EnsembleOptions = {},
): EnsembleState {
  const o = resolve(options);
  const tf = tensorflow();
  const n = x.length;
  if (n === 0 || y.length !== n) {
    const shown = `${n} feature rows, ${y.length} target rows`;
    throw new InvalidArgumentError('surrogate', 'rows', shown, 'equal, non-zero row counts');
  }
  const p = x[0].length;
  const q = y[0].length;
  const sizes = [p, ...o.hidden, 2 * q];
  const state = initialState(sizes, o.members, o.seed);
  const M = o.members;
  const batch = Math.min(o.batchSize, n);

  const flatX = new Float32Array(n * p);
  const flatY = new Float32Array(n * q);
  for (let i = 0; i < n; i++) {
    flatX.set(Array.from(x[i]), i * p);
    flatY.set(Array.from(y[i]), i * q);
  }
  const xAll = tf.tensor2d(flatX, [n, p]);
  const yAll = tf.tensor2d(flatY, [n, q]);
  const layers = sizes.length - 1;
  const w: Variable[] = [];
  const b: Variable[] = [];
  // Created inside tidy so the initial values (not the variables) are disposed at once.
  for (let l = 0; l < layers; l++) {
    w.push(tf.tidy(() => tf.variable(tf.tensor3d(state.weights[l], [M, sizes[l], sizes[l + 1]]))));
    b.push(tf.tidy(() => tf.variable(tf.tensor3d(state.biases[l], [M, 1, sizes[l + 1]]))));
  }
  const params = [...w, ...b];
  const moments = params.map((v) =>
    tf.tidy(() => [tf.variable(tf.zerosLike(v)), tf.variable(tf.zerosLike(v))]),
  );

  const orders = Array.from({ length: M }, (_, m) => ({
    rng: createRng(o.seed).fork(7919 + m),
    perm: [] as number[],
  }));
  const nextIndices = (): Int32Array => {
    const indices = new Int32Array(M * batch);
    orders.forEach((order, m) => {
      for (let k = 0; k < batch; k++) {
        if (order.perm.length === 0) {
          order.perm = Array.from({ length: n }, (_, i) => i);
          for (let i = n - 1; i > 0; i--) {
            const j = order.rng.int(i + 1);
            [order.perm[i], order.perm[j]] = [order.perm[j], order.perm[i]];
          }
        }
        indices[m * batch + k] = order.perm.pop() ?? 0;
      }
    });
    return indices;
  };

  const warmupSteps = Math.round(o.warmupFraction * o.steps);
  for (let step = 0; step < o.steps; step++) {
    const indices = nextIndices();
    const progress = step / Math.max(1, o.steps - 1);
    const rate = o.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    const nll = step >= warmupSteps;
    tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const xb = tf.reshape(tf.gather(xAll, idx), [M, batch, p]);
      const yb = tf.reshape(tf.gather(yAll, idx), [M, batch, q]);

      const grads = ensembleGradients(w, b, xb, yb, nll, o.weightDecay);
      const t = step + 1;
      const correction = Math.sqrt(1 - BETA2 ** t) / (1 - BETA1 ** t);
      params.forEach((param, i) => {
        const [m1, m2] = moments[i];
        m1.assign(tf.add(tf.mul(m1, BETA1), tf.mul(grads[i], 1 - BETA1)));
        m2.assign(tf.add(tf.mul(m2, BETA2), tf.mul(tf.square(grads[i]), 1 - BETA2)));
        const update = tf.div(tf.mul(m1, rate * correction), tf.add(tf.sqrt(m2), EPSILON));
        param.assign(tf.sub(param, update));
      });
    });
  }

  const trained: EnsembleState = {
    sizes,
    members: M,
    weights: w.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
    biases: b.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
  };
  tf.dispose([xAll, yAll, ...params, ...moments.flat()]);
  return trained;
}

/** Ensemble prediction in standardised units: mixture mean and total variance per row and output. */
export interface EnsemblePrediction {
  /** Mixture mean, rows × outputs, row-major. */
  readonly mean: Float64Array;
  /** Mixture variance (members' spread plus their mean predicted variance), rows × outputs. */
  readonly variance: Float64Array;
  /** Variance of the members' means alone (epistemic part), rows × outputs. */
  readonly epistemicVariance: Float64Array;
}

/** Predicts rows of standardised features with a trained ensemble, 4,096 rows at a time. */
export function predictEnsemble(
  state: EnsembleState,
  x: readonly ArrayLike<number>[],
): EnsemblePrediction {
  const tf = tensorflow();
  const n = x.length;
  const p = state.sizes[0];
  const q = state.sizes[state.sizes.length - 1] / 2;
  const M = state.members;
  const mean = new Float64Array(n * q);
  const variance = new Float64Array(n * q);
  const epistemicVariance = new Float64Array(n * q);
  const chunk = 4096;
  const layers = state.sizes.length - 1;

  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const flat = new Float32Array(rows * p);
    for (let i = 0; i < rows; i++) flat.set(Array.from(x[start + i]), i * p);
    const outputs = tf.tidy(() => {
      const input = tf.tensor2d(flat, [rows, p]);
      const means: Tensor[] = [];
      const variances: Tensor[] = [];
      for (let m = 0; m < M; m++) {
        let h: Tensor = input;
        for (let l = 0; l < layers; l++) {
          const [fanIn, fanOut] = [state.sizes[l], state.sizes[l + 1]];
          const wl = state.weights[l].subarray(m * fanIn * fanOut, (m + 1) * fanIn * fanOut);
          const bl = state.biases[l].subarray(m * fanOut, (m + 1) * fanOut);
          const z = tf.add(tf.matMul(h, tf.tensor2d(wl, [fanIn, fanOut])), tf.tensor1d(bl));
          h = l + 1 < layers ? tf.relu(z) : z;
        }
        const [mu, raw] = tf.split(h, 2, 1);
        means.push(mu);
        variances.push(tf.add(tf.softplus(raw), VARIANCE_FLOOR));
      }
      return [tf.stack(means), tf.stack(variances)];
    });
    const mu = outputs[0].dataSync();
    const sigma2 = outputs[1].dataSync();
    tf.dispose(outputs);

    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < q; j++) {
        let sum = 0;
        let sumSquares = 0;
        let aleatoric = 0;
        for (let m = 0; m < M; m++) {
          const k = (m * rows + i) * q + j;
          sum += mu[k];
          sumSquares += mu[k] * mu[k];
          aleatoric += sigma2[k];
        }
        const mixtureMean = sum / M;
        const spread = Math.max(0, sumSquares / M - mixtureMean * mixtureMean);
        const at = (start + i) * q + j;
        mean[at] = mixtureMean;
        epistemicVariance[at] = spread;
        variance[at] = spread + aleatoric / M;
      }
    }
  }
  return { mean, variance, epistemicVariance };
}

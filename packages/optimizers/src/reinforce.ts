import type { Rng } from '@nashpobench2/search-space';
import { COMPONENT_SIZES, decodeIndex, encodeComponents } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';

/** Settings of REINFORCE. */
export interface ReinforceSettings {
  /** Adam learning rate on the logits, > 0; the paper uses 0.01. */
  readonly learningRate: number;
  /** Momentum of the exponential-moving-average reward baseline, 0..1; the paper uses 0.9. */
  readonly baselineMomentum: number;
  /** Standard deviation of the initial logits around 0, ≥ 0; default 0.001. */
  readonly initialLogitStd: number;
  /** Fidelity of every evaluation, epochs 1..12; the paper uses 12. */
  readonly epochs: number;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/**
 * REINFORCE (Williams 1992) with an independent softmax per component (6 edges, lr, batch
 * size), Adam on the logits, and reward = valid accuracy (percent, as the authors' script uses
 * the API's value) minus a bias-corrected exponential moving average of the rewards so far,
 * the current one included (the baseline is updated before the advantage is taken).
 */
export class Reinforce implements Optimizer {
  private readonly logits: Float64Array[];
  private readonly moment1: Float64Array[];
  private readonly moment2: Float64Array[];
  private steps = 0;
  private baselineNumerator = 0;
  private baselineDenominator = 0;

  /** Creates the policy with logits drawn near 0. */
  constructor(
    private readonly rng: Rng,
    private readonly settings: ReinforceSettings,
  ) {
    this.logits = COMPONENT_SIZES.map((size) =>
      Float64Array.from({ length: size }, () => settings.initialLogitStd * rng.normal()),
    );
    this.moment1 = COMPONENT_SIZES.map((size) => new Float64Array(size));
    this.moment2 = COMPONENT_SIZES.map((size) => new Float64Array(size));
  }

  /** Samples each component from its softmax. */
  ask(): Proposal {
    const values = this.logits.map((logits) => {
      const probabilities = softmax(logits);
      let u = this.rng.next();
      for (let k = 0; k < probabilities.length - 1; k++) {
        u -= probabilities[k];
        if (u < 0) return k;
      }
      return probabilities.length - 1;
    });
    return { index: encodeComponents(values), epochs: this.settings.epochs };
  }

  /** One policy-gradient step with Adam on −advantage · log π(configuration). */
  tell(observation: Observation): void {
    const reward = observation.validAccuracyPct;
    const momentum = this.settings.baselineMomentum;
    this.baselineNumerator = momentum * this.baselineNumerator + (1 - momentum) * reward;
    this.baselineDenominator = momentum * this.baselineDenominator + (1 - momentum);
    const advantage = reward - this.baselineNumerator / this.baselineDenominator;

    this.steps++;
    const correction1 = 1 - ADAM_BETA1 ** this.steps;
    const correction2 = 1 - ADAM_BETA2 ** this.steps;
    const chosen = decodeIndex(observation.index);
    this.logits.forEach((logits, component) => {
      const probabilities = softmax(logits);
      const m = this.moment1[component];
      const v = this.moment2[component];
      for (let k = 0; k < logits.length; k++) {
        // d(−A log p_chosen)/d logit_k = A (p_k − [k = chosen])
        const gradient = advantage * (probabilities[k] - (k === chosen[component] ? 1 : 0));
        m[k] = ADAM_BETA1 * m[k] + (1 - ADAM_BETA1) * gradient;
        v[k] = ADAM_BETA2 * v[k] + (1 - ADAM_BETA2) * gradient * gradient;
        const step = m[k] / correction1 / (Math.sqrt(v[k] / correction2) + ADAM_EPSILON);
        logits[k] -= this.settings.learningRate * step;
      }
    });
  }

  /** Current choice probabilities per component (8 arrays of 4, 4, 4, 4, 4, 4, 8, 6). */
  probabilities(): Float64Array[] {
    return this.logits.map(softmax);
  }
}

function softmax(logits: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of logits) if (value > max) max = value;
  const result = new Float64Array(logits.length);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    result[k] = Math.exp(logits[k] - max);
    sum += result[k];
  }
  for (let k = 0; k < logits.length; k++) result[k] /= sum;
  return result;
}

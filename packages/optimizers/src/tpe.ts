import type { Rng } from '@nashpobench2/search-space';
import { COMPONENT_SIZES, decodeIndex, encodeComponents, randomIndex } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';

/** Settings of the tree-structured Parzen estimator. */
export interface TpeSettings {
  /** Share of observations forming the good density, 0..1; default 0.25 (hyperopt). */
  readonly gamma: number;
  /** Random configurations before the model is used, integer ≥ 1; default 10. */
  readonly startupTrials: number;
  /** Candidates drawn from the good density per proposal, integer ≥ 1; default 24 (hyperopt). */
  readonly candidates: number;
  /** Pseudo-count added to every value of every component, > 0; default 1. */
  readonly priorWeight: number;
  /** Fidelity of every evaluation, epochs 1..12; default 12. */
  readonly epochs: number;
}

/**
 * Univariate TPE (Bergstra et al. 2011) for categorical components: split the observations at
 * the γ-quantile of validation accuracy, model each side per component by smoothed counts,
 * draw candidates from the good side and propose the one maximizing l(x)/g(x), preferring
 * configurations not evaluated yet.
 */
export class Tpe implements Optimizer {
  private readonly observed: { values: number[]; validAccuracyPct: number }[] = [];
  private readonly seen = new Set<number>();
  private issued = 0;

  /** Creates TPE with its own random source. */
  constructor(
    private readonly rng: Rng,
    private readonly settings: TpeSettings,
  ) {}

  /** A random configuration during start-up, then the best candidate by l/g. */
  ask(): Proposal {
    const { startupTrials, epochs } = this.settings;
    if (this.issued < startupTrials || this.observed.length < 2) {
      this.issued++;
      return this.propose(randomIndex(this.rng), epochs);
    }
    this.issued++;
    const ranked = [...this.observed].sort((a, b) => b.validAccuracyPct - a.validAccuracyPct);
    const goodCount = Math.max(1, Math.ceil(this.settings.gamma * ranked.length));
    const good = this.tables(ranked.slice(0, goodCount));
    const bad = this.tables(ranked.slice(goodCount));

    let bestScore = Number.NEGATIVE_INFINITY;
    let bestIndex = -1;
    let bestUnseen = false;
    for (let draw = 0; draw < this.settings.candidates; draw++) {
      const values = good.map((probabilities) => drawFrom(probabilities, this.rng));
      let score = 0;
      values.forEach((value, c) => {
        score += Math.log(good[c][value]) - Math.log(bad[c][value]);
      });
      const index = encodeComponents(values);
      const unseen = !this.seen.has(index);
      if ((unseen && !bestUnseen) || (unseen === bestUnseen && score > bestScore)) {
        bestScore = score;
        bestIndex = index;
        bestUnseen = unseen;
      }
    }
    return this.propose(bestIndex, epochs);
  }

  /** Adds the observation to the history. */
  tell(observation: Observation): void {
    const values = decodeIndex(observation.index);
    this.observed.push({ values, validAccuracyPct: observation.validAccuracyPct });
  }

  private propose(index: number, epochs: number): Proposal {
    this.seen.add(index);
    return { index, epochs };
  }

  /** Smoothed value probabilities per component. */
  private tables(group: { values: number[] }[]): Float64Array[] {
    const prior = this.settings.priorWeight;
    return COMPONENT_SIZES.map((size, c) => {
      const counts = new Float64Array(size).fill(prior);
      for (const member of group) counts[member.values[c]] += 1;
      const total = group.length + prior * size;
      return counts.map((count) => count / total);
    });
  }
}

function drawFrom(probabilities: Float64Array, rng: Rng): number {
  let u = rng.next();
  for (let k = 0; k < probabilities.length - 1; k++) {
    u -= probabilities[k];
    if (u < 0) return k;
  }
  return probabilities.length - 1;
}

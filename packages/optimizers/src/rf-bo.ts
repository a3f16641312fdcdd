import { cellCodeAt, oneHotEncoding, pathEncoding, type Rng } from '@nashpobench2/search-space';
import { neighbourIndices, randomIndex } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';
import { type ForestSettings, RegressionForest } from './random-forest.js';

/** Settings of random-forest Bayesian optimization. */
export interface RandomForestBoSettings extends ForestSettings {
  /** Random configurations before the model is used, integer ≥ 1; default 10. */
  readonly startupTrials: number;
  /** Uniform random candidates scored per proposal, integer ≥ 0; default 200. */
  readonly randomCandidates: number;
  /** Best configurations whose 30 neighbours are also scored, integer ≥ 0; default 5. */
  readonly localCandidates: number;
  /** Refit when the data grew by this share since the last fit, 0..1; default 0.05. */
  readonly refitGrowth: number;
  /** Fidelity of every evaluation, epochs 1..12; default 12. */
  readonly epochs: number;
}

const CELL_FEATURES = 24 + 48;
const FEATURE_COUNT = CELL_FEATURES + 2;
let cellFeatureTable: Float64Array | undefined;

/** Features of a configuration: cell one-hot (24) and path encoding (48), lr and batch-size index. */
export function configurationFeatures(index: number): Float64Array {
  if (cellFeatureTable === undefined) {
    cellFeatureTable = new Float64Array(4096 * CELL_FEATURES);
    for (let cell = 0; cell < 4096; cell++) {
      const code = cellCodeAt(cell);
      cellFeatureTable.set(oneHotEncoding(code), cell * CELL_FEATURES);
      cellFeatureTable.set(pathEncoding(code), cell * CELL_FEATURES + 24);
    }
  }
  const cell = Math.floor(index / 48);
  const pair = index % 48;
  const features = new Float64Array(FEATURE_COUNT);
  features.set(cellFeatureTable.subarray(cell * CELL_FEATURES, (cell + 1) * CELL_FEATURES));
  features[CELL_FEATURES] = Math.floor(pair / 6);
  features[CELL_FEATURES + 1] = pair % 6;
  return features;
}

/**
 * SMAC-style Bayesian optimization: a random forest on cell one-hot + path encoding and the
 * two hyperparameter indices predicts validation accuracy; the next configuration maximizes
 * expected improvement over random candidates and neighbours of the best ones, never repeating
 * an evaluated configuration.
 */
export class RandomForestBo implements Optimizer {
  private readonly rows: Float64Array[] = [];
  private readonly targets: number[] = [];
  private readonly indices: number[] = [];
  private readonly seen = new Set<number>();
  private readonly forest: RegressionForest;
  private fittedOn = 0;
  private issued = 0;

  /** Creates the optimizer with its own random source. */
  constructor(
    private readonly rng: Rng,
    private readonly settings: RandomForestBoSettings,
  ) {
    this.forest = new RegressionForest(settings);
  }

  /** Random during start-up, then the candidate of highest expected improvement. */
  ask(): Proposal {
    this.issued++;
    if (this.issued <= this.settings.startupTrials || this.targets.length < 2) {
      return this.propose(this.unseenRandom());
    }
    const n = this.targets.length;
    if (n - this.fittedOn >= Math.max(1, Math.floor(this.settings.refitGrowth * n))) {
      this.forest.fit(this.rows, this.targets, this.rng);
      this.fittedOn = n;
    }

    const incumbent = Math.max(...this.targets);
    const candidates = new Set<number>();
    for (let k = 0; k < this.settings.randomCandidates; k++) candidates.add(randomIndex(this.rng));
    const order = this.targets.map((_, i) => i).sort((a, b) => this.targets[b] - this.targets[a]);
    for (const i of order.slice(0, this.settings.localCandidates)) {
      for (const neighbour of neighbourIndices(this.indices[i])) candidates.add(neighbour);
    }
    let bestIndex = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const index of candidates) {
      if (this.seen.has(index)) continue;
      const { mean, variance } = this.forest.predict(configurationFeatures(index));
      const value = expectedImprovement(mean, Math.sqrt(variance), incumbent);
      if (value > bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    }
    return this.propose(bestIndex >= 0 ? bestIndex : this.unseenRandom());
  }

  /** Adds the observation to the training data. */
  tell(observation: Observation): void {
    this.rows.push(configurationFeatures(observation.index));
    this.targets.push(observation.validAccuracyPct);
    this.indices.push(observation.index);
  }

  private unseenRandom(): number {
    let index = randomIndex(this.rng);
    while (this.seen.has(index)) index = randomIndex(this.rng);
    return index;
  }

  private propose(index: number): Proposal {
    this.seen.add(index);
    return { index, epochs: this.settings.epochs };
  }
}

/** Expected improvement of a normal(mean, std) prediction over `best` (maximization). */
export function expectedImprovement(mean: number, std: number, best: number): number {
  const gain = mean - best;
  if (std <= 1e-12) return Math.max(0, gain);
  const z = gain / std;
  return gain * normalCdf(z) + (std * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF via the Abramowitz–Stegun 7.1.26 erf approximation (error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

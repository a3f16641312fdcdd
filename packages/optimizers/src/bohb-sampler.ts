import type { Rng } from '@nashpobench2/search-space';
import {
  COMPONENT_SIZES,
  decodeIndex,
  encodeComponents,
  type Subspace,
  sampleSubspace,
} from './components.js';
import type { ConfigSampler } from './hyperband.js';
import type { Observation } from './optimizer.js';

/** Settings of BOHB's model (HpBandSter's `BOHB` config generator). */
export interface BohbModelSettings {
  /** Percent of the observations that form the "good" density, 0..100; default 15. */
  readonly topNPercent: number;
  /** Points needed per density, integer, or null for dimensions + 1 (HpBandSter's default). */
  readonly minPointsInModel: number | null;
  /** Candidates drawn from the good density per sample, integer ≥ 1; the paper uses 4. */
  readonly numSamples: number;
  /** Fraction of configurations sampled uniformly at random, 0..1; the paper uses 0. */
  readonly randomFraction: number;
  /** Bandwidth multiplier for continuous parameters, > 0; the paper uses 3 (no effect here: all are discrete). */
  readonly bandwidthFactor: number;
  /** Lower bound of every bandwidth, > 0; the paper uses 0.3. */
  readonly minBandwidth: number;
  /**
   * How lr and batch size enter the densities: 'categorical' (the paper: the authors declare all
   * eight components as ConfigSpace categoricals, Aitchison–Aitken kernel) or 'ordinal' (a
   * Wang–van Ryzin kernel that lets neighbouring grid values share mass; an extension).
   */
  readonly hyperparameterKind: 'ordinal' | 'categorical';
}

interface Density {
  readonly data: number[][];
  readonly bandwidths: number[];
  /** Distinct values per dimension in the data (statsmodels' Aitchison–Aitken levels). */
  readonly levels: number[];
}

/**
 * BOHB's configuration sampler: per budget, a "good" and a "bad" kernel density over the free
 * components (statsmodels' KDEMultivariate with normal-reference bandwidths clipped at the
 * minimum bandwidth); a new configuration is the best of `numSamples` draws around good points
 * by the ratio bad/good. Follows HpBandSter's `new_result` and `get_config`.
 */
export class BohbSampler implements ConfigSampler {
  private readonly configs = new Map<number, number[][]>();
  private readonly losses = new Map<number, number[]>();
  private readonly models = new Map<number, { good: Density; bad: Density }>();
  private readonly ordinal: boolean[];
  private readonly minPoints: number;
  /** Hyperparameters of the authors' configuration space: the free components plus fixed ones. */
  private readonly dimensions: number;

  /**
   * Samples within `space`; lr and batch size are ordinal or categorical per the settings.
   * `constantDimensions` counts single-valued hyperparameters of the modelled space (the
   * authors' BOHB first stage declares the fixed cell as a one-choice categorical): they add
   * nothing to the densities' ratio but raise the minimum points and the bandwidth exponent.
   */
  constructor(
    private readonly rng: Rng,
    private readonly space: Subspace,
    private readonly settings: BohbModelSettings,
    constantDimensions = 0,
  ) {
    this.ordinal = space.free.map((c) => c >= 6 && settings.hyperparameterKind === 'ordinal');
    this.dimensions = space.free.length + constantDimensions;
    // HpBandSter raises a smaller min_points_in_model to dimensions + 1
    this.minPoints = Math.max(settings.minPointsInModel ?? 0, this.dimensions + 1);
  }

  /** Budgets (epochs) that currently have a model. */
  modelBudgets(): number[] {
    return [...this.models.keys()].sort((a, b) => a - b);
  }

  /** A configuration from the model of the largest budget, or uniform when there is none. */
  sample(): number {
    const budgets = this.modelBudgets();
    if (budgets.length === 0 || this.rng.next() < this.settings.randomFraction) {
      return sampleSubspace(this.space, this.rng);
    }
    const { good, bad } = this.models.get(budgets[budgets.length - 1])!;
    let best = Number.POSITIVE_INFINITY;
    let bestVector: number[] | undefined;
    for (let draw = 0; draw < this.settings.numSamples; draw++) {
      const datum = good.data[this.rng.int(good.data.length)];
      const vector = datum.map((value, d) => {
        const bandwidth = Math.max(good.bandwidths[d], this.settings.minBandwidth);
        const size = COMPONENT_SIZES[this.space.free[d]];
        return this.rng.next() < 1 - bandwidth ? value : this.rng.int(size);
      });
      const goodPdf = this.pdf(good, vector);
      const ratio = Math.max(1e-32, this.pdf(bad, vector)) / Math.max(goodPdf, 1e-32);
      if (!Number.isFinite(ratio)) {
        // HpBandSter: a value absent from one density; take it when the good density is finite
        if (Number.isFinite(goodPdf)) {
          bestVector = vector;
          break;
        }
        continue;
      }
      if (ratio < best) {
        best = ratio;
        bestVector = vector;
      }
    }
    if (bestVector === undefined) return sampleSubspace(this.space, this.rng);
    const values = decodeIndex(this.space.base);
    this.space.free.forEach((component, d) => {
      values[component] = bestVector![d];
    });
    return encodeComponents(values);
  }

  /** Stores the result under its budget and refits that budget's densities. */
  observe(observation: Observation): void {
    const budget = observation.epochs;
    if (!this.configs.has(budget)) {
      this.configs.set(budget, []);
      this.losses.set(budget, []);
    }
    const largestModel = Math.max(...this.models.keys(), Number.NEGATIVE_INFINITY);
    if (largestModel > budget) return;

    const values = decodeIndex(observation.index);
    const configs = this.configs.get(budget)!;
    const losses = this.losses.get(budget)!;
    configs.push(this.space.free.map((component) => values[component]));
    losses.push(100 - observation.validAccuracyPct);
    if (configs.length <= this.minPoints - 1) return;

    const n = configs.length;
    const dims = this.dimensions;
    const nGood = Math.max(this.minPoints, Math.floor((this.settings.topNPercent * n) / 100));
    const nBad = Math.max(
      this.minPoints,
      Math.floor(((100 - this.settings.topNPercent) * n) / 100),
    );
    const order = losses.map((_, i) => i).sort((a, b) => losses[a] - losses[b] || a - b);
    const goodData = order.slice(0, nGood).map((i) => configs[i]);
    const badData = order.slice(nGood, nGood + nBad).map((i) => configs[i]);
    if (goodData.length <= dims || badData.length <= dims) return;
    this.models.set(budget, { good: this.density(goodData), bad: this.density(badData) });
  }

  private density(data: number[][]): Density {
    const n = data.length;
    const dims = data[0].length;
    const kdeDimensions = this.dimensions;
    const bandwidths: number[] = [];
    const levels: number[] = [];
    for (let d = 0; d < dims; d++) {
      let sum = 0;
      for (const row of data) sum += row[d];
      const average = sum / n;
      let squares = 0;
      for (const row of data) squares += (row[d] - average) ** 2;
      // statsmodels normal_reference: 1.06 · std (ddof 0) · n^(−1/(4 + dims))
      const bandwidth = 1.06 * Math.sqrt(squares / n) * n ** (-1 / (4 + kdeDimensions));
      bandwidths.push(Math.max(bandwidth, this.settings.minBandwidth));
      levels.push(new Set(data.map((row) => row[d])).size);
    }
    return { data, bandwidths, levels };
  }

  /** Product-kernel density (Aitchison–Aitken for categorical, Wang–van Ryzin for ordinal). */
  private pdf(density: Density, x: readonly number[]): number {
    let total = 0;
    for (const row of density.data) {
      let product = 1;
      for (let d = 0; d < x.length; d++) {
        const h = density.bandwidths[d];
        if (row[d] === x[d]) product *= 1 - h;
        else if (this.ordinal[d]) product *= 0.5 * (1 - h) * h ** Math.abs(row[d] - x[d]);
        else product *= h / (density.levels[d] - 1);
      }
      total += product;
    }
    return total / density.data.length;
  }
}

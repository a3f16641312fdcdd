import type { Rng } from '@nashpobench2/search-space';
import { FULL_SPACE, mutateIndex, type Subspace, sampleSubspace } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';

/** Settings of regularized (aging) evolution. */
export interface RegularizedEvolutionSettings {
  /** Population size, integer ≥ 1; the paper uses 10. */
  readonly populationSize: number;
  /** Tournament size (members sampled with replacement), integer ≥ 1; the paper uses 3. */
  readonly sampleSize: number;
  /** Fidelity of every evaluation, epochs 1..12; the paper uses 12. */
  readonly epochs: number;
}

/** One member of the population. */
export interface Member {
  /** Configuration index, 0..196,607. */
  readonly index: number;
  /** Validation accuracy, percent. */
  readonly validAccuracyPct: number;
}

/**
 * Regularized evolution (Real et al. 2019): a random initial population; then the best of a
 * random sample is mutated in one component, the child joins, and the oldest member dies.
 */
export class RegularizedEvolution implements Optimizer {
  private readonly members: Member[] = [];
  private initialIssued = 0;

  /** `space` restricts sampling and mutation to its free components (default all eight). */
  constructor(
    private readonly rng: Rng,
    private readonly settings: RegularizedEvolutionSettings,
    private readonly space: Subspace = FULL_SPACE,
  ) {}

  /** A random member while the initial population is incomplete, else a mutated tournament winner. */
  ask(): Proposal | null {
    const { populationSize, sampleSize, epochs } = this.settings;
    if (this.initialIssued < populationSize) {
      this.initialIssued++;
      return { index: sampleSubspace(this.space, this.rng), epochs };
    }
    if (this.members.length === 0) return null;

    let parent = this.members[this.rng.int(this.members.length)];
    for (let draw = 1; draw < sampleSize; draw++) {
      const candidate = this.members[this.rng.int(this.members.length)];
      if (candidate.validAccuracyPct > parent.validAccuracyPct) parent = candidate;
    }
    return { index: mutateIndex(parent.index, this.rng, this.space.free), epochs };
  }

  /** Appends the result as the youngest member and removes the oldest beyond the population size. */
  tell(observation: Observation): void {
    this.members.push({ index: observation.index, validAccuracyPct: observation.validAccuracyPct });
    if (this.members.length > this.settings.populationSize) this.members.shift();
  }

  /** The current population, oldest first. */
  population(): readonly Member[] {
    return this.members;
  }
}

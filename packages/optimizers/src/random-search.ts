import type { Rng } from '@nashpobench2/search-space';
import { FULL_SPACE, type Subspace, sampleSubspace } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';

/** Random search: configurations drawn uniformly (with replacement) at full fidelity. */
export class RandomSearch implements Optimizer {
  private best: { index: number; validAccuracyPct: number } | undefined;

  /** `space` restricts sampling (default the whole space); `epochs` is the fidelity, 1..12. */
  constructor(
    private readonly rng: Rng,
    private readonly epochs: number,
    private readonly space: Subspace = FULL_SPACE,
  ) {}

  /** A uniformly random configuration of the space. */
  ask(): Proposal {
    return { index: sampleSubspace(this.space, this.rng), epochs: this.epochs };
  }

  /** Remembers the best validation accuracy seen (used by the two-stage baselines). */
  tell(observation: Observation): void {
    if (this.best === undefined || observation.validAccuracyPct > this.best.validAccuracyPct) {
      this.best = { index: observation.index, validAccuracyPct: observation.validAccuracyPct };
    }
  }

  /** Best configuration seen so far by validation accuracy, or undefined before any result. */
  incumbent(): { index: number; validAccuracyPct: number } | undefined {
    return this.best;
  }
}

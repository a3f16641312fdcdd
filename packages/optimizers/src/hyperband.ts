import type { Rng } from '@nashpobench2/search-space';
import { FULL_SPACE, type Subspace, sampleSubspace } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';
import {
  Bracket,
  bracketPlan,
  type HyperbandSchedule,
  hyperbandSchedule,
} from './successive-halving.js';

/** Settings shared by Hyperband, successive halving and BOHB. */
export interface HyperbandSettings {
  /** Halving rate η, integer ≥ 2; the paper's BOHB uses 3. */
  readonly eta: number;
  /** Smallest budget, epochs > 0; default 1. */
  readonly minEpochs: number;
  /** Largest budget, epochs ≤ the protocol's short schedule; default 12. */
  readonly maxEpochs: number;
  /** Brackets to run, integer ≥ 1, or null for as many as the time budget allows. */
  readonly iterations: number | null;
  /** 'hyperband' cycles s = rungs−1..0; 'successive-halving' repeats the most aggressive bracket. */
  readonly brackets: 'hyperband' | 'successive-halving';
  /** Promoted configurations resume from their checkpoint and pay only the extra epochs. */
  readonly continueTraining: boolean;
}

/** Where new stage-0 configurations come from, and what it learns from results. */
export interface ConfigSampler {
  /** A configuration index for a new stage-0 evaluation at `epochs`. */
  sample(epochs: number): number;
  /** Every result, of every bracket. */
  observe(observation: Observation): void;
}

/** Uniform sampling over a subspace (Hyperband's sampler). */
export function randomSampler(rng: Rng, space: Subspace = FULL_SPACE): ConfigSampler {
  return { sample: () => sampleSubspace(space, rng), observe: () => {} };
}

/**
 * Hyperband driver with HpBandSter's scheduling: a free worker takes the next evaluation of
 * the oldest active bracket that has one; when none has, a new bracket starts (up to
 * `iterations`); otherwise the worker waits.
 */
export class HyperbandDriver implements Optimizer {
  /** The budget ladder in use. */
  readonly schedule: HyperbandSchedule;
  private readonly active: Bracket[] = [];
  private readonly slots = new Map<number, { bracket: Bracket; slot: number }>();
  private started = 0;
  private tags = 0;
  private best: { index: number; epochs: number; validAccuracyPct: number } | undefined;

  /** Creates the driver; `sampler` supplies the configurations of each bracket's first stage. */
  constructor(
    private readonly settings: HyperbandSettings,
    private readonly sampler: ConfigSampler,
  ) {
    this.schedule = hyperbandSchedule(settings.minEpochs, settings.maxEpochs, settings.eta);
  }

  /** The next evaluation, starting a new bracket when the active ones are waiting. */
  ask(): Proposal | null {
    for (const bracket of this.active) {
      const proposal = bracket.nextProposal();
      if (proposal) return proposal;
    }
    const limit = this.settings.iterations ?? Number.POSITIVE_INFINITY;
    if (this.started >= limit) return null;
    const bracket = this.newBracket(this.started++);
    this.active.push(bracket);
    return bracket.nextProposal();
  }

  /** Routes the result to its bracket and to the sampler. */
  tell(observation: Observation): void {
    this.sampler.observe(observation);
    const better =
      this.best === undefined ||
      observation.epochs > this.best.epochs ||
      (observation.epochs === this.best.epochs &&
        observation.validAccuracyPct > this.best.validAccuracyPct);
    if (better) this.best = { ...observation };
    const entry = observation.tag === undefined ? undefined : this.slots.get(observation.tag);
    if (entry === undefined) return;
    this.slots.delete(observation.tag!);
    entry.bracket.record(entry.slot, observation);
    if (entry.bracket.finished) this.active.splice(this.active.indexOf(entry.bracket), 1);
  }

  /** HpBandSter's incumbent: the best validation accuracy on the largest budget evaluated. */
  incumbent(): { index: number; validAccuracyPct: number } | undefined {
    return this.best;
  }

  private newBracket(iteration: number): Bracket {
    const rungs = this.schedule.rungs;
    const s =
      this.settings.brackets === 'successive-halving' ? rungs - 1 : rungs - 1 - (iteration % rungs);
    return new Bracket(
      bracketPlan(this.schedule, s),
      (epochs) => this.sampler.sample(epochs),
      this.settings.continueTraining,
      () => this.tags++,
      (tag, bracket, slot) => this.slots.set(tag, { bracket, slot }),
    );
  }
}

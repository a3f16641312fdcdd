import { InvalidArgumentError } from '@nashpobench2/search-space';
import type { Observation, Proposal } from './optimizer.js';

/** Budget ladder of Hyperband/BOHB as HpBandSter computes it. */
export interface HyperbandSchedule {
  /** Halving rate η, integer ≥ 2. */
  readonly eta: number;
  /** Number of rungs, ⌊log_η(max/min)⌋ + 1 (3 for 1..12 epochs with η = 3). */
  readonly rungs: number;
  /** Rung budgets max·η^−(rungs−1−i) before truncation, epochs (1.33, 4, 12). */
  readonly budgets: readonly number[];
  /** Rung budgets truncated to whole epochs as the authors' worker queries them (1, 4, 12). */
  readonly epochs: readonly number[];
}

/** The rungs between `minEpochs` and `maxEpochs` (both > 0) with halving rate `eta` ≥ 2. */
export function hyperbandSchedule(
  minEpochs: number,
  maxEpochs: number,
  eta: number,
): HyperbandSchedule {
  if (!(eta >= 2)) throw new InvalidArgumentError('optimizers', 'eta', eta, 'numbers ≥ 2');
  if (!(minEpochs > 0 && minEpochs <= maxEpochs)) {
    const allowed = `epochs in (0, ${maxEpochs}]`;
    throw new InvalidArgumentError('optimizers', 'minEpochs', minEpochs, allowed);
  }
  // HpBandSter: max_SH_iter = -int(log(min/max) / log(eta)) + 1, int() truncating towards 0
  const rungs = -Math.trunc(Math.log(minEpochs / maxEpochs) / Math.log(eta)) + 1;
  const budgets = Array.from({ length: rungs }, (_, i) => maxEpochs * eta ** -(rungs - 1 - i));
  const epochs = budgets.map((budget) => Math.max(1, Math.trunc(budget + 1e-9)));
  return { eta, rungs, budgets, epochs };
}

/** Configurations and epochs per stage of one successive-halving bracket. */
export interface BracketPlan {
  /** Bracket number s, 0..rungs−1 (s = rungs−1 is the most aggressive). */
  readonly s: number;
  /** Configurations per stage, e.g. [9, 3, 1] for s = 2, η = 3. */
  readonly counts: readonly number[];
  /** Epochs per stage, e.g. [1, 4, 12]. */
  readonly epochs: readonly number[];
}

/** HpBandSter's plan of bracket `s`: n0 = ⌊rungs/(s+1)⌋·η^s, n_i = max(⌊n0·η^−i⌋, 1). */
export function bracketPlan(schedule: HyperbandSchedule, s: number): BracketPlan {
  const { eta, rungs } = schedule;
  const n0 = Math.floor(rungs / (s + 1)) * eta ** s;
  const counts = Array.from({ length: s + 1 }, (_, i) =>
    Math.max(Math.floor(n0 / eta ** i + 1e-9), 1),
  );
  const epochs = Array.from({ length: s + 1 }, (_, i) => schedule.epochs[rungs - 1 - s + i]);
  return { s, counts, epochs };
}

/**
 * One bracket of synchronous successive halving: stage i evaluates counts[i] configurations
 * at epochs[i]; when all are back, the best counts[i+1] by validation accuracy (ties: the
 * earlier one) go on to the next stage.
 */
export class Bracket {
  private stage = 0;
  private members: number[] = [];
  private scores: number[] = [];
  private issued = 0;
  private received = 0;

  /** `sample` draws stage-0 configurations; `nextTag` numbers proposals; `register` maps tags to slots. */
  constructor(
    readonly plan: BracketPlan,
    private readonly sample: (epochs: number) => number,
    private readonly continueTraining: boolean,
    private readonly nextTag: () => number,
    private readonly register: (tag: number, bracket: Bracket, slot: number) => void,
  ) {}

  /** True when the last stage has all its results. */
  get finished(): boolean {
    return this.stage >= this.plan.counts.length;
  }

  /** The next evaluation of the current stage, or null while the stage waits for results. */
  nextProposal(): Proposal | null {
    if (this.finished || this.issued >= this.plan.counts[this.stage]) return null;
    const slot = this.issued++;
    const epochs = this.plan.epochs[this.stage];
    if (this.stage === 0) this.members.push(this.sample(epochs));
    const tag = this.nextTag();
    this.register(tag, this, slot);
    const continueTraining = this.continueTraining && this.stage > 0;
    return { index: this.members[slot], epochs, continueTraining, tag };
  }

  /** Records the result for `slot`; promotes the top configurations when the stage is complete. */
  record(slot: number, observation: Observation): void {
    this.scores[slot] = observation.validAccuracyPct;
    this.received++;
    if (this.received < this.plan.counts[this.stage]) return;

    this.stage++;
    if (this.finished) return;
    const keep = this.plan.counts[this.stage];
    const order = this.members.map((_, i) => i);
    order.sort((a, b) => this.scores[b] - this.scores[a] || a - b);
    this.members = order.slice(0, keep).map((i) => this.members[i]);
    this.scores = [];
    this.issued = 0;
    this.received = 0;
  }

  /** Configurations of the current stage (for tests and inspection). */
  currentMembers(): readonly number[] {
    return this.members;
  }
}

import type { Rng } from '@nashpobench2/search-space';
import { neighbourIndices, randomIndex } from './components.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';

/** Settings of local search. */
export interface LocalSearchSettings {
  /** Fidelity of every evaluation, epochs 1..12; default 12. */
  readonly epochs: number;
}

/**
 * First-improvement local search with random restarts (White et al. 2021): evaluate the 30
 * one-component neighbours of the current configuration in random order, move to the first
 * that is better, restart from a random configuration at a local optimum. Never re-evaluates
 * a configuration.
 */
export class LocalSearch implements Optimizer {
  private current: { index: number; validAccuracyPct: number } | undefined;
  private queue: number[] = [];
  private pending = 0;
  private readonly seen = new Set<number>();

  /** Creates a search that starts from a random configuration. */
  constructor(
    private readonly rng: Rng,
    private readonly settings: LocalSearchSettings,
  ) {}

  /** The next unseen neighbour, or a random restart when the neighbourhood is exhausted. */
  ask(): Proposal | null {
    if (this.current !== undefined) {
      while (this.queue.length > 0) {
        const index = this.queue.pop()!;
        if (!this.seen.has(index)) return this.propose(index);
      }
      if (this.pending > 0) return null;
      this.current = undefined;
    } else if (this.pending > 0) {
      return null;
    }
    let index = randomIndex(this.rng);
    while (this.seen.has(index)) index = randomIndex(this.rng);
    return this.propose(index);
  }

  /** Moves to the evaluated configuration when it beats the current one. */
  tell(observation: Observation): void {
    this.pending--;
    const better =
      this.current === undefined || observation.validAccuracyPct > this.current.validAccuracyPct;
    if (!better) return;
    this.current = { index: observation.index, validAccuracyPct: observation.validAccuracyPct };
    this.queue = shuffle(neighbourIndices(observation.index), this.rng);
  }

  private propose(index: number): Proposal {
    this.seen.add(index);
    this.pending++;
    return { index, epochs: this.settings.epochs };
  }
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

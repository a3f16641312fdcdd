import type { Rng } from '@nashpobench2/search-space';

/** What an optimizer asks the harness to evaluate next. */
export interface Proposal {
  /** Official configuration index, integer 0..196,607 (see `configIndex`). */
  readonly index: number;
  /** Training length to query, epochs, integer 1..maxEpochs (12 on both built-in protocols). */
  readonly epochs: number;
  /**
   * When true and this run already trained the configuration for fewer epochs, the harness
   * charges only the extra epochs (a resumed checkpoint); default false (train from scratch).
   */
  readonly continueTraining?: boolean;
  /** Opaque integer the optimizer may attach; echoed back in the matching `Observation`. */
  readonly tag?: number;
}

/**
 * What the harness tells an optimizer after an evaluation: only what a real search would see
 * (validation accuracy and cost at the requested fidelity), never test or long-training values.
 */
export interface Observation {
  /** Configuration index that was evaluated, 0..196,607. */
  readonly index: number;
  /** Epochs trained, integer 1..maxEpochs. */
  readonly epochs: number;
  /** Validation accuracy after `epochs` epochs, percent 0..100. */
  readonly validAccuracyPct: number;
  /** Simulated seconds this evaluation was charged (train + valid passes), > 0. */
  readonly costSeconds: number;
  /** Simulated clock when the evaluation finished, seconds since the search started. */
  readonly finishedAtSeconds: number;
  /** The `tag` of the proposal, when it had one. */
  readonly tag?: number;
}

/** Ask/tell interface every optimizer implements; the harness drives it. */
export interface Optimizer {
  /**
   * The next configuration to evaluate, or null when there is nothing to propose now (the
   * optimizer waits for pending results, or it has finished when nothing is pending).
   */
  ask(): Proposal | null;
  /** Reports the result of an earlier proposal. */
  tell(observation: Observation): void;
}

/** What an optimizer may know about its situation when it is created. */
export interface OptimizerContext {
  /** The optimizer's own seeded random source (deterministic per run seed). */
  readonly rng: Rng;
  /** Longest fidelity, epochs (the protocol's short schedule, 12). */
  readonly maxEpochs: number;
  /** The harness budget, simulated seconds > 0 (Infinity when unbounded). */
  readonly budgetSeconds: number;
  /** The simulated clock now, seconds since the search started. */
  now(): number;
}

/** JSON-serializable settings of an optimizer (numbers, strings, booleans, arrays of them). */
export type OptimizerSettings = Record<string, number | string | boolean | null | number[]>;

/** A named optimizer with its default settings and a constructor. */
export interface OptimizerDefinition {
  /** Stable identifier, kebab-case (`regularized-evolution`). */
  readonly id: string;
  /** One-line description for listings. */
  readonly description: string;
  /** True for the six baselines of the paper (SPEC section 7). */
  readonly paper: boolean;
  /** Default settings (the paper's where it gives them). */
  readonly defaults: OptimizerSettings;
  /** True when the run length is set by the optimizer itself, not by the time budget. */
  ignoresBudget(settings: OptimizerSettings): boolean;
  /** Creates an optimizer with complete settings (defaults merged with overrides). */
  create(context: OptimizerContext, settings: OptimizerSettings): Optimizer;
}

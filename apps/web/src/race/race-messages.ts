import type { ExperimentResult, OptimizerSettings, RunResult } from '@nashpobench2/optimizers';
import type { TransferableBenchmark } from '../load/benchmark-transfer.js';

/** What a race runs: optimizers × seeds on one benchmark, with the harness settings. */
export interface RacePlan {
  /** Optimizer ids from the optimizers package, for example `random-search`. */
  readonly ids: readonly string[];
  /** Simulated seconds of training cost per run, > 0 (the paper: 20,000). */
  readonly budgetSeconds: number;
  /** Runs per optimizer, integer ≥ 1; run r uses seed firstSeed + r, paired across optimizers. */
  readonly runs: number;
  /** Seed of the first run, integer ≥ 0; default 0. */
  readonly firstSeed: number;
  /** Setting overrides per optimizer id. */
  readonly settings?: Record<string, OptimizerSettings>;
}

/** Message that starts a race in the worker. */
export interface RaceRequest {
  readonly type: 'start';
  readonly benchmark: TransferableBenchmark;
  readonly plan: RacePlan;
}

/** Messages from the race worker: one per finished run, then done (or failed). */
export type RaceReply =
  | {
      readonly type: 'run';
      readonly id: string;
      readonly run: RunResult;
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'done'; readonly result: ExperimentResult }
  | { readonly type: 'failed'; readonly message: string };

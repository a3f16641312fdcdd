import { InvalidArgumentError } from '@nashpobench2/search-space';
import type { SearchOracle } from './benchmark-view.js';
import { EventQueue } from './event-queue.js';
import type { Observation, Optimizer, Proposal } from './optimizer.js';

/** Evaluations after which a search stops when `maxEvaluations` is not given. */
export const DEFAULT_MAX_EVALUATIONS = 1_000_000;

/** Settings of one simulated search. */
export interface SearchLoopOptions {
  /** Simulated seconds after which no new evaluation starts, > 0 (Infinity: until the optimizer stops). */
  readonly budgetSeconds: number;
  /** Simulated parallel asynchronous workers, integer ≥ 1; default 1 (sequential). */
  readonly workers?: number;
  /** Keep asking after the budget until the optimizer has nothing left (BOHB's 40 iterations). */
  readonly ignoreBudget?: boolean;
  /** Safety cap on evaluations, integer ≥ 1; default 1,000,000. */
  readonly maxEvaluations?: number;
}

/** Every evaluation of one search, in finishing order (columnar). */
export interface EvaluationLog {
  /** Configuration indices, 0..196,607. */
  readonly index: number[];
  /** Epochs trained, 1..maxEpochs. */
  readonly epochs: number[];
  /** Validation accuracy seen by the optimizer, percent. */
  readonly validAccuracyPct: number[];
  /** Seconds charged for the evaluation (only the extra epochs when continued), > 0. */
  readonly costSeconds: number[];
  /** Simulated clock when the evaluation started, seconds. */
  readonly startedAtSeconds: number[];
  /** Simulated clock when the evaluation finished, seconds. */
  readonly finishedAtSeconds: number[];
}

interface Running {
  readonly proposal: Proposal;
  readonly cost: number;
  readonly startedAt: number;
}

/**
 * Runs one search: asks `optimizer` for proposals, charges each its cost from `oracle`, and
 * simulates `workers` asynchronous workers on an event queue of simulated time. A worker
 * that frees up asks immediately; a result is told when its evaluation finishes. Ties in
 * finishing time resolve in starting order, so the run is deterministic.
 */
export function runSearchLoop(
  oracle: SearchOracle,
  optimizer: Optimizer,
  options: SearchLoopOptions,
  clock: { now: number } = { now: 0 },
): EvaluationLog {
  const workers = options.workers ?? 1;
  const maxEvaluations = options.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS;
  checkOptions(options.budgetSeconds, workers, maxEvaluations);

  const log: EvaluationLog = {
    index: [],
    epochs: [],
    validAccuracyPct: [],
    costSeconds: [],
    startedAtSeconds: [],
    finishedAtSeconds: [],
  };
  const trainedEpochs = new Map<number, number>();
  const queue = new EventQueue<Running>();
  let started = 0;
  clock.now = 0;

  const startNext = (): boolean => {
    const withinBudget = options.ignoreBudget || clock.now < options.budgetSeconds;
    if (!withinBudget || started >= maxEvaluations) return false;
    const proposal = optimizer.ask();
    if (proposal === null) return false;
    checkProposal(proposal, oracle.maxEpochs);
    const cost = chargedCost(oracle, proposal, trainedEpochs.get(proposal.index) ?? 0);
    queue.push(clock.now + cost, { proposal, cost, startedAt: clock.now });
    started++;
    return true;
  };

  let idle = workers;
  for (;;) {
    while (idle > 0 && startNext()) idle--;
    const event = queue.pop();
    if (event === undefined) break;
    clock.now = event.time;
    idle++;

    const { proposal, cost, startedAt } = event.value;
    const previous = trainedEpochs.get(proposal.index) ?? 0;
    if (proposal.epochs > previous) trainedEpochs.set(proposal.index, proposal.epochs);
    const observation: Observation = Object.freeze({
      index: proposal.index,
      epochs: proposal.epochs,
      validAccuracyPct: oracle.validAccuracy(proposal.index, proposal.epochs),
      costSeconds: cost,
      finishedAtSeconds: event.time,
      ...(proposal.tag === undefined ? {} : { tag: proposal.tag }),
    });
    log.index.push(observation.index);
    log.epochs.push(observation.epochs);
    log.validAccuracyPct.push(observation.validAccuracyPct);
    log.costSeconds.push(cost);
    log.startedAtSeconds.push(startedAt);
    log.finishedAtSeconds.push(event.time);
    optimizer.tell(observation);
  }
  return log;
}

/** Cost of a proposal: the extra epochs only when it continues a shorter run of the same config. */
function chargedCost(oracle: SearchOracle, proposal: Proposal, trained: number): number {
  const full = oracle.cost(proposal.index, proposal.epochs);
  if (!proposal.continueTraining || trained <= 0 || trained >= proposal.epochs) return full;
  return full - oracle.cost(proposal.index, trained);
}

function checkOptions(budget: number, workers: number, maxEvaluations: number): void {
  if (!(budget > 0)) {
    throw new InvalidArgumentError('optimizers', 'budgetSeconds', budget, 'seconds > 0');
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InvalidArgumentError('optimizers', 'workers', workers, 'integers ≥ 1');
  }
  if (!Number.isInteger(maxEvaluations) || maxEvaluations < 1) {
    throw new InvalidArgumentError('optimizers', 'maxEvaluations', maxEvaluations, 'integers ≥ 1');
  }
}

function checkProposal(proposal: Proposal, maxEpochs: number): void {
  const { index, epochs } = proposal;
  if (!Number.isInteger(index) || index < 0 || index >= 196_608) {
    throw new InvalidArgumentError('optimizers', 'proposal.index', index, 'integers 0..196607');
  }
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > maxEpochs) {
    const allowed = `integers 1..${maxEpochs}`;
    throw new InvalidArgumentError('optimizers', 'proposal.epochs', epochs, allowed);
  }
}

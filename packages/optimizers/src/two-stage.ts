import { type BohbModelSettings, BohbSampler } from './bohb-sampler.js';
import { CELL_COMPONENTS, HYPERPARAMETER_COMPONENTS, randomIndex } from './components.js';
import { HyperbandDriver, type HyperbandSettings } from './hyperband.js';
import type { Observation, Optimizer, OptimizerContext, Proposal } from './optimizer.js';
import { RandomSearch } from './random-search.js';
import {
  RegularizedEvolution,
  type RegularizedEvolutionSettings,
} from './regularized-evolution.js';

/** Settings of the two-stage (HPO, then NAS) baselines. */
export interface TwoStageSettings extends RegularizedEvolutionSettings {
  /** First stage: random search or BOHB over (lr, batch size) on one random fixed cell. */
  readonly firstStage: 'random-search' | 'bohb';
  /** Share of the time budget for the first stage, 0..1; the paper's 5,000 of 20,000 s is 0.25. */
  readonly firstStageFraction: number;
  /** BOHB's ladder and model for a BOHB first stage. */
  readonly bohb: HyperbandSettings & BohbModelSettings;
}

type StageOptimizer = Optimizer & { incumbent(): { index: number } | undefined };

/**
 * HPO-then-NAS: the first stage tunes lr and batch size on one random cell for a share of the
 * budget; the second runs regularized evolution over cells with the best lr and batch size found.
 */
export class TwoStage implements Optimizer {
  private readonly first: StageOptimizer;
  private second: RegularizedEvolution | undefined;
  private readonly routes = new Map<number, { stage: 1 | 2; tag?: number }>();
  private tags = 0;

  /** Picks the fixed cell from the context's random source and builds the first stage. */
  constructor(
    private readonly context: OptimizerContext,
    private readonly settings: TwoStageSettings,
  ) {
    const cellBase = Math.floor(randomIndex(context.rng) / 48) * 48;
    const space = { free: HYPERPARAMETER_COMPONENTS, base: cellBase };
    this.first =
      settings.firstStage === 'bohb'
        ? new HyperbandDriver(
            { ...settings.bohb, iterations: null },
            new BohbSampler(context.rng.fork(1), space, settings.bohb),
          )
        : new RandomSearch(context.rng.fork(1), settings.epochs, space);
  }

  /** Which stage is running, 1 or 2. */
  get stage(): 1 | 2 {
    return this.second === undefined ? 1 : 2;
  }

  /** Delegates to the running stage, switching once the first stage's time share is spent. */
  ask(): Proposal | null {
    const switchAt = this.settings.firstStageFraction * this.context.budgetSeconds;
    const found = this.first.incumbent();
    if (this.second === undefined && this.context.now() >= switchAt && found !== undefined) {
      const space = { free: CELL_COMPONENTS, base: found.index };
      this.second = new RegularizedEvolution(this.context.rng.fork(2), this.settings, space);
    }
    const stage = this.second ?? this.first;
    const proposal = stage.ask();
    if (proposal === null) return null;
    const tag = this.tags++;
    this.routes.set(tag, { stage: this.stage, tag: proposal.tag });
    return { ...proposal, tag };
  }

  /** Routes the result back to the stage that proposed it. */
  tell(observation: Observation): void {
    const route = this.routes.get(observation.tag!);
    if (route === undefined) return;
    this.routes.delete(observation.tag!);
    const inner = { ...observation, tag: route.tag };
    if (route.stage === 1) this.first.tell(inner);
    else this.second!.tell(inner);
  }
}

import { InvalidArgumentError } from '@nashpobench2/search-space';
import { type BohbModelSettings, BohbSampler } from './bohb-sampler.js';
import { FULL_SPACE } from './components.js';
import { HyperbandDriver, type HyperbandSettings, randomSampler } from './hyperband.js';
import { LocalSearch } from './local-search.js';
import type { OptimizerDefinition, OptimizerSettings } from './optimizer.js';
import { RandomSearch } from './random-search.js';
import {
  RegularizedEvolution,
  type RegularizedEvolutionSettings,
} from './regularized-evolution.js';
import { Reinforce } from './reinforce.js';
import { RandomForestBo } from './rf-bo.js';
import { checkSettings } from './setting-rules.js';
import { Tpe } from './tpe.js';
import { TwoStage } from './two-stage.js';

const REA_DEFAULTS = { populationSize: 10, sampleSize: 3, epochs: 12 };

/** BOHB's ladder and model from SPEC section 7 (HpBandSter, η = 3, budgets 1..12 epochs). */
const BOHB_MODEL_DEFAULTS = {
  eta: 3,
  minEpochs: 1,
  maxEpochs: 12,
  numSamples: 4,
  randomFraction: 0,
  bandwidthFactor: 3,
  minBandwidth: 0.3,
  topNPercent: 15,
  minPointsInModel: null,
  hyperparameterKind: 'categorical',
  continueTraining: false,
} satisfies OptimizerSettings;

/** BOHB as the paper runs it: the model above for 40 Hyperband iterations. */
const BOHB_DEFAULTS = { ...BOHB_MODEL_DEFAULTS, iterations: 40 } satisfies OptimizerSettings;

const HYPERBAND_DEFAULTS = {
  eta: 3,
  minEpochs: 1,
  maxEpochs: 12,
  iterations: null,
  continueTraining: true,
} satisfies OptimizerSettings;

function hyperbandSettings(
  settings: OptimizerSettings,
  brackets: HyperbandSettings['brackets'],
): HyperbandSettings {
  return {
    eta: settings.eta as number,
    minEpochs: settings.minEpochs as number,
    maxEpochs: settings.maxEpochs as number,
    iterations: settings.iterations as number | null,
    brackets,
    continueTraining: settings.continueTraining as boolean,
  };
}

function bohbSettings(settings: OptimizerSettings): HyperbandSettings & BohbModelSettings {
  return {
    ...hyperbandSettings(settings, 'hyperband'),
    topNPercent: settings.topNPercent as number,
    minPointsInModel: settings.minPointsInModel as number | null,
    numSamples: settings.numSamples as number,
    randomFraction: settings.randomFraction as number,
    bandwidthFactor: settings.bandwidthFactor as number,
    minBandwidth: settings.minBandwidth as number,
    hyperparameterKind: settings.hyperparameterKind as 'ordinal' | 'categorical',
  };
}

function reaSettings(settings: OptimizerSettings): RegularizedEvolutionSettings {
  return {
    populationSize: settings.populationSize as number,
    sampleSize: settings.sampleSize as number,
    epochs: settings.epochs as number,
  };
}

const never = () => false;

/** Every optimizer this package ships, the paper's six first. */
export const OPTIMIZERS: readonly OptimizerDefinition[] = [
  {
    id: 'random-search',
    description: 'uniform sampling over the 196,608 configurations at 12 epochs',
    paper: true,
    defaults: { epochs: 12 },
    ignoresBudget: never,
    create: (context, s) => new RandomSearch(context.rng, s.epochs as number),
  },
  {
    id: 'regularized-evolution',
    description: 'aging evolution: population 10, tournament 3, one-component mutation',
    paper: true,
    defaults: REA_DEFAULTS,
    ignoresBudget: never,
    create: (context, s) => new RegularizedEvolution(context.rng, reaSettings(s)),
  },
  {
    id: 'reinforce',
    description: 'REINFORCE, independent softmax per component, Adam 0.01, EMA baseline 0.9',
    paper: true,
    defaults: { learningRate: 0.01, baselineMomentum: 0.9, initialLogitStd: 0.001, epochs: 12 },
    ignoresBudget: never,
    create: (context, s) =>
      new Reinforce(context.rng, {
        learningRate: s.learningRate as number,
        baselineMomentum: s.baselineMomentum as number,
        initialLogitStd: s.initialLogitStd as number,
        epochs: s.epochs as number,
      }),
  },
  {
    id: 'bohb',
    description: 'BOHB (HpBandSter): η = 3, budgets 1, 4, 12 epochs, 40 iterations, KDE model',
    paper: true,
    defaults: BOHB_DEFAULTS,
    ignoresBudget: (s) => s.iterations !== null,
    create: (context, s) =>
      new HyperbandDriver(
        bohbSettings(s),
        new BohbSampler(context.rng, FULL_SPACE, bohbSettings(s)),
      ),
  },
  {
    id: 'rs-then-rea',
    description:
      'random search over lr and batch size on one random cell for 1/4 of the budget (the paper: 5,000 of 20,000 s), then REA',
    paper: true,
    defaults: { ...REA_DEFAULTS, firstStageSeconds: null, firstStageFraction: 0.25 },
    ignoresBudget: never,
    create: (context, s) =>
      new TwoStage(context, {
        ...reaSettings(s),
        firstStage: 'random-search',
        firstStageSeconds: s.firstStageSeconds as number | null,
        firstStageFraction: s.firstStageFraction as number | null,
        firstStageIterations: null,
        bohb: bohbSettings(BOHB_DEFAULTS),
      }),
  },
  {
    id: 'bohb-then-rea',
    description:
      'BOHB over lr and batch size on one random cell for 1/4 of the budget (the paper: 5,000 of 20,000 s), then REA',
    paper: true,
    defaults: {
      ...REA_DEFAULTS,
      firstStageSeconds: null,
      firstStageFraction: 0.25,
      firstStageIterations: null,
      ...BOHB_MODEL_DEFAULTS,
    },
    ignoresBudget: never,
    create: (context, s) =>
      new TwoStage(context, {
        ...reaSettings(s),
        firstStage: 'bohb',
        firstStageSeconds: s.firstStageSeconds as number | null,
        firstStageFraction: s.firstStageFraction as number | null,
        firstStageIterations: s.firstStageIterations as number | null,
        bohb: bohbSettings({ ...s, iterations: null }),
      }),
  },
  {
    id: 'hyperband',
    description: 'Hyperband with random sampling, η = 3, budgets 1, 4, 12 epochs, resumed training',
    paper: false,
    defaults: HYPERBAND_DEFAULTS,
    ignoresBudget: (s) => s.iterations !== null,
    create: (context, s) =>
      new HyperbandDriver(hyperbandSettings(s, 'hyperband'), randomSampler(context.rng)),
  },
  {
    id: 'successive-halving',
    description: 'successive halving, 9 at 1 epoch → 3 at 4 → 1 at 12, keeps the top 1/η, resumed',
    paper: false,
    defaults: HYPERBAND_DEFAULTS,
    ignoresBudget: (s) => s.iterations !== null,
    create: (context, s) =>
      new HyperbandDriver(hyperbandSettings(s, 'successive-halving'), randomSampler(context.rng)),
  },
  {
    id: 'local-search',
    description: 'first-improvement local search over the 30 neighbours, random restarts',
    paper: false,
    defaults: { epochs: 12 },
    ignoresBudget: never,
    create: (context, s) => new LocalSearch(context.rng, { epochs: s.epochs as number }),
  },
  {
    id: 'tpe',
    description: 'tree-structured Parzen estimator, univariate categorical, γ = 0.25',
    paper: false,
    defaults: { gamma: 0.25, startupTrials: 10, candidates: 24, priorWeight: 1, epochs: 12 },
    ignoresBudget: never,
    create: (context, s) =>
      new Tpe(context.rng, {
        gamma: s.gamma as number,
        startupTrials: s.startupTrials as number,
        candidates: s.candidates as number,
        priorWeight: s.priorWeight as number,
        epochs: s.epochs as number,
      }),
  },
  {
    id: 'random-forest-bo',
    description: 'SMAC-style BO: random forest on path encoding, expected improvement',
    paper: false,
    defaults: {
      trees: 10,
      minSamplesLeaf: 3,
      maxFeaturesFraction: 5 / 6,
      maxDepth: 20,
      startupTrials: 10,
      randomCandidates: 200,
      localCandidates: 5,
      refitGrowth: 0.05,
      epochs: 12,
    },
    ignoresBudget: never,
    create: (context, s) =>
      new RandomForestBo(context.rng, {
        trees: s.trees as number,
        minSamplesLeaf: s.minSamplesLeaf as number,
        maxFeaturesFraction: s.maxFeaturesFraction as number,
        maxDepth: s.maxDepth as number,
        startupTrials: s.startupTrials as number,
        randomCandidates: s.randomCandidates as number,
        localCandidates: s.localCandidates as number,
        refitGrowth: s.refitGrowth as number,
        epochs: s.epochs as number,
      }),
  },
];

/** Ids of the paper's six baselines, in the paper's order. */
export const PAPER_OPTIMIZER_IDS: readonly string[] = OPTIMIZERS.filter((o) => o.paper).map(
  (o) => o.id,
);

/** The definition of optimizer `id`; throws naming the known ids. */
export function optimizerDefinition(id: string): OptimizerDefinition {
  const found = OPTIMIZERS.find((o) => o.id === id);
  if (found === undefined) {
    const allowed = OPTIMIZERS.map((o) => o.id).join(', ');
    throw new InvalidArgumentError('optimizers', 'optimizer', id, allowed);
  }
  return found;
}

/**
 * Complete settings of optimizer `id`: its defaults with `overrides` applied; unknown keys and
 * values of the wrong type throw.
 */
export function resolveSettings(id: string, overrides: OptimizerSettings = {}): OptimizerSettings {
  const definition = optimizerDefinition(id);
  const settings: OptimizerSettings = { ...definition.defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in settings)) {
      const allowed = Object.keys(settings).join(', ');
      throw new InvalidArgumentError('optimizers', `${id} setting`, key, allowed);
    }
    const current = settings[key];
    const compatible = current === null || value === null || typeof current === typeof value;
    if (!compatible) {
      throw new InvalidArgumentError('optimizers', `${id}.${key}`, value, `a ${typeof current}`);
    }
    settings[key] = value;
  }
  // The first stage's length is fixed either in seconds or as a share of the budget, not both.
  if (overrides.firstStageSeconds != null && overrides.firstStageFraction != null) {
    throw new InvalidArgumentError(
      'optimizers',
      `${id}.firstStageFraction`,
      overrides.firstStageFraction,
      'null when firstStageSeconds is set (one of the two fixes the first stage)',
    );
  }
  if (overrides.firstStageSeconds != null && 'firstStageFraction' in settings) {
    settings.firstStageFraction = null;
  }
  checkSettings(id, settings);
  return settings;
}

/** Expands a list such as `paper`, `all` or `bohb,tpe` into optimizer ids. */
export function expandOptimizerList(list: string): string[] {
  const ids: string[] = [];
  for (const item of list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    if (item === 'paper') ids.push(...PAPER_OPTIMIZER_IDS);
    else if (item === 'all') ids.push(...OPTIMIZERS.map((o) => o.id));
    else ids.push(optimizerDefinition(item).id);
  }
  if (ids.length === 0) {
    throw new InvalidArgumentError(
      'optimizers',
      'optimizer list',
      list,
      `'paper', 'all' or a comma list of ids: ${OPTIMIZERS.map((o) => o.id).join(', ')}`,
    );
  }
  return [...new Set(ids)];
}

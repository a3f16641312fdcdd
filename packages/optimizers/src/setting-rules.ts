import { InvalidArgumentError } from '@nashpobench2/search-space';
import type { OptimizerSettings } from './optimizer.js';

/** What values one setting accepts. */
interface SettingRule {
  /** 'integer', 'number', 'boolean' or a list of allowed strings. */
  readonly kind: 'integer' | 'number' | 'boolean' | readonly string[];
  /** Smallest allowed value (inclusive unless `exclusiveMin`). */
  readonly min?: number;
  /** Largest allowed value (inclusive unless `exclusiveMax`). */
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
  /** True when null is allowed (meaning given in the optimizer's docs). */
  readonly nullable?: boolean;
}

const positive = { kind: 'number', min: 0, exclusiveMin: true } as const;
const count = { kind: 'integer', min: 1 } as const;
const fraction = { kind: 'number', min: 0, max: 1 } as const;

/** Accepted values of every setting name any optimizer uses (names mean the same everywhere). */
const RULES: Record<string, SettingRule> = {
  epochs: { kind: 'integer', min: 1, max: 12 },
  populationSize: count,
  sampleSize: count,
  learningRate: positive,
  baselineMomentum: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  initialLogitStd: { kind: 'number', min: 0 },
  eta: { kind: 'number', min: 2 },
  minEpochs: { kind: 'number', min: 0, max: 12, exclusiveMin: true },
  maxEpochs: { kind: 'integer', min: 1, max: 12 },
  iterations: { ...count, nullable: true },
  numSamples: count,
  randomFraction: fraction,
  bandwidthFactor: positive,
  minBandwidth: positive,
  topNPercent: { kind: 'number', min: 0, max: 100, exclusiveMin: true, exclusiveMax: true },
  minPointsInModel: { ...count, nullable: true },
  hyperparameterKind: { kind: ['categorical', 'ordinal'] },
  continueTraining: { kind: 'boolean' },
  firstStageSeconds: { ...positive, nullable: true },
  firstStageIterations: { ...count, nullable: true },
  firstStageFraction: { kind: 'number', min: 0, max: 1, exclusiveMin: true, nullable: true },
  gamma: { kind: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  startupTrials: count,
  candidates: count,
  priorWeight: positive,
  trees: count,
  minSamplesLeaf: count,
  maxFeaturesFraction: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
  maxDepth: count,
  randomCandidates: { kind: 'integer', min: 0 },
  localCandidates: { kind: 'integer', min: 0 },
  refitGrowth: fraction,
};

function describe(rule: SettingRule): string {
  if (Array.isArray(rule.kind)) return rule.kind.map((value) => `'${value}'`).join(', ');
  if (rule.kind === 'boolean') return 'true, false';
  const low = rule.min === undefined ? '' : `${rule.exclusiveMin ? '>' : '≥'} ${rule.min}`;
  const high = rule.max === undefined ? '' : `${rule.exclusiveMax ? '<' : '≤'} ${rule.max}`;
  const range = [low, high].filter(Boolean).join(' and ');
  const noun = rule.kind === 'integer' ? 'integers' : 'numbers';
  return `${noun}${range ? ` ${range}` : ''}${rule.nullable ? ', or null' : ''}`;
}

function accepts(rule: SettingRule, value: unknown): boolean {
  if (value === null) return rule.nullable === true;
  if (Array.isArray(rule.kind)) return rule.kind.includes(value as string);
  if (rule.kind === 'boolean') return typeof value === 'boolean';
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.kind === 'integer' && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) {
    return false;
  }
  return !(rule.max !== undefined && (rule.exclusiveMax ? value >= rule.max : value > rule.max));
}

/** Throws `InvalidArgumentError` naming the setting and what it allows for the first bad value. */
export function checkSettings(id: string, settings: OptimizerSettings): void {
  for (const [key, value] of Object.entries(settings)) {
    const rule = RULES[key];
    if (rule !== undefined && !accepts(rule, value)) {
      throw new InvalidArgumentError('optimizers', `${id}.${key}`, value, describe(rule));
    }
  }
  const { minEpochs, maxEpochs } = settings;
  if (typeof minEpochs === 'number' && typeof maxEpochs === 'number' && minEpochs > maxEpochs) {
    throw new InvalidArgumentError('optimizers', `${id}.minEpochs`, minEpochs, `≤ maxEpochs`);
  }
  if (
    settings.firstStageSeconds === null &&
    settings.firstStageFraction == null &&
    settings.firstStageIterations == null
  ) {
    // The first stage needs an end: seconds, a share of the budget, or (BOHB) iterations.
    const allowed =
      'firstStageIterations' in settings
        ? 'one of firstStageSeconds > 0, firstStageFraction in (0, 1] or firstStageIterations ≥ 1 set (not all null)'
        : 'one of firstStageSeconds > 0 or firstStageFraction in (0, 1] set (not both null)';
    throw new InvalidArgumentError('optimizers', `${id}.firstStage`, 'all null', allowed);
  }
}

/** True when every setting name used by the optimizers has a rule (checked by tests). */
export function hasSettingRule(key: string): boolean {
  return key in RULES;
}

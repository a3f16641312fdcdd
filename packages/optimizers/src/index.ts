export {
  type BenchmarkOptimum,
  type BenchmarkView,
  benchmarkOptimum,
  meanFullEvaluationSeconds,
  type QueryMode,
  type SearchOracle,
  validationOracle,
} from './benchmark-view.js';
export { type BohbModelSettings, BohbSampler } from './bohb-sampler.js';
export {
  ALL_COMPONENTS,
  CELL_COMPONENTS,
  COMPONENT_SIZES,
  decodeIndex,
  encodeComponents,
  FULL_SPACE,
  HYPERPARAMETER_COMPONENTS,
  mutateIndex,
  neighbourIndices,
  randomIndex,
  type Subspace,
  sampleSubspace,
} from './components.js';
export { EventQueue, type QueuedEvent } from './event-queue.js';
export {
  assembleExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  experimentSeeds,
  type HarnessOptions,
  type IncumbentRule,
  type OptimizerResult,
  type QuerySeedMode,
  type RunResult,
  runExperiment,
  runKey,
  runOptimizer,
  scoreTrajectory,
  type Trajectory,
} from './experiment.js';
export {
  type ConfigSampler,
  HyperbandDriver,
  type HyperbandSettings,
  randomSampler,
} from './hyperband.js';
export { LocalSearch, type LocalSearchSettings, shuffle } from './local-search.js';
export type {
  Observation,
  Optimizer,
  OptimizerContext,
  OptimizerDefinition,
  OptimizerSettings,
  Proposal,
} from './optimizer.js';
export {
  anytimeCurveSpec,
  type CurveMetric,
  comparisonFigureSpec,
  finalDistributionSpec,
  type PlotSize,
  renderSvg,
} from './plots.js';
export { type ForestSettings, RegressionForest } from './random-forest.js';
export { RandomSearch } from './random-search.js';
export {
  expandOptimizerList,
  OPTIMIZERS,
  optimizerDefinition,
  PAPER_OPTIMIZER_IDS,
  resolveSettings,
} from './registry.js';
export {
  type Member,
  RegularizedEvolution,
  type RegularizedEvolutionSettings,
} from './regularized-evolution.js';
export { Reinforce, type ReinforceSettings } from './reinforce.js';
export { parseResults, resultsToJson } from './results-file.js';
export {
  configurationFeatures,
  expectedImprovement,
  normalCdf,
  RandomForestBo,
  type RandomForestBoSettings,
} from './rf-bo.js';
export {
  DEFAULT_MAX_EVALUATIONS,
  type EvaluationLog,
  runSearchLoop,
  type SearchLoopOptions,
} from './search-loop.js';
export {
  averageRankTable,
  type CurveSummary,
  costGrid,
  type ExperimentSummary,
  finalValues,
  incumbentAt,
  type MeanSe,
  type OptimizerSummary,
  type PointSummary,
  pairedDifference,
  summarizeExperiment,
} from './statistics.js';
export {
  Bracket,
  type BracketPlan,
  bracketPlan,
  type HyperbandSchedule,
  hyperbandSchedule,
} from './successive-halving.js';
export { Tpe, type TpeSettings } from './tpe.js';
export { TwoStage, type TwoStageSettings } from './two-stage.js';

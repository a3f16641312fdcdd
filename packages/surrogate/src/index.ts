export {
  BENCHMARK_SURROGATE_FORMAT,
  BENCHMARK_SURROGATE_VERSION,
  BenchmarkSurrogate,
  type BenchmarkSurrogateFile,
  type ConfigurationPrediction,
  type ConfigurationQuery,
  type CurvePrediction,
  type SurrogateProvenance,
} from './benchmark-surrogate.js';
export {
  type CompletedBenchmark,
  type CompletionOptions,
  completeBenchmark,
  configurationOrdinal,
  type SecondsModeComparison,
  type SecondsOutputComparison,
  type SecondsReport,
} from './complete-benchmark.js';
export {
  type CellCostCounts,
  COST_FIELDS,
  COST_MODES,
  type CostEvaluation,
  type CostMode,
  CostModel,
  type CostModelFile,
  type CostModelOptions,
  type CostModeState,
  type CostRow,
  cellCostCounts,
  crossValidateCost,
  EVAL_FEATURES,
  FIXED_EVAL_FEATURES,
  TRAIN_FEATURES,
} from './cost-model.js';
export {
  type CrossValidationOptions,
  type CrossValidationResult,
  crossValidate,
  evaluateOutOfFold,
  type ModelEvaluation,
} from './cross-validate.js';
export {
  type CurveInput,
  createFeatureSchema,
  extractFeatureMatrix,
  extractFeatures,
  type FeatureInput,
  type FeatureSchema,
  type FeatureSchemaOptions,
} from './features.js';
export { type Fold, foldsOf, groupedFoldAssignment, groupedKFold } from './grouped-folds.js';
export { type KnnOptions, type KnnState, predictKnn, trainKnn } from './knn.js';
export { type ColumnScaler, fitScaler, scaleRows } from './linear-algebra.js';
export {
  fitLongSurrogate,
  fitShortSurrogate,
  LONG_TARGET,
  type LongFit,
  type LongOptions,
  longGainTarget,
  predictedCurveModel,
  type ShortFit,
} from './long-surrogate.js';
export {
  intervalCoverage,
  meanAbsoluteError,
  type RegressionMetrics,
  regressionMetrics,
  rSquared,
  topFractionRecall,
  Z50,
  Z90,
} from './metrics.js';
export {
  type EnsembleOptions,
  type EnsemblePrediction,
  type EnsembleState,
  predictEnsemble,
  trainEnsemble,
} from './mlp-ensemble.js';
export {
  decodeFloat32,
  encodeFloat32,
  SURROGATE_FILE_FORMAT,
  SURROGATE_FILE_VERSION,
  type SurrogateFile,
  surrogateFromJSON,
  surrogateToJSON,
} from './model-file.js';
export {
  type FittedTarget,
  fitWithValidation,
  type ModelReport,
  type PipelineOptions,
  type PipelineProgress,
  reportOf,
  type TargetReport,
  type ValidationInputs,
} from './pipeline.js';
export { type LongRecord, type ProtocolLike, protocolShape, type RunRecord } from './records.js';
export { predictRidge, type RidgeOptions, type RidgeState, trainRidge } from './ridge.js';
export {
  type ConfigurationRuns,
  CURVE_FIELDS,
  type CurveField,
  configurationKey,
  curveInputOf,
  curveOutputIndex,
  curveTargetSpecs,
  flattenCurves,
  summarizeRuns,
} from './run-summary.js';
export {
  fitSeedNoise,
  fitSeedNoiseFromSpread,
  perSeedValue,
  type SeedNoiseModel,
  seedDeviate,
  seedNoiseStd,
} from './seed-noise.js';
export {
  COMMITTEE_MEMBERS,
  committeeOf,
  type FitSurrogateOptions,
  fitSurrogate,
  type MemberState,
  MODEL_KINDS,
  type ModelKind,
  type RegressorState,
  Surrogate,
  type SurrogateParts,
  type SurrogatePrediction,
  type TargetProjection,
} from './surrogate.js';
export {
  makeSyntheticTrainingData,
  SYNTHETIC_PROTOCOL,
  type SyntheticDataOptions,
  type SyntheticTrainingData,
  type SyntheticTruth,
} from './synthetic-data.js';
export {
  accuracyTarget,
  clipToRange,
  fromModelSpace,
  offsetValue,
  positiveTarget,
  type TargetOffset,
  type TargetSpec,
  toModelSpace,
} from './target-spec.js';
export { tensorflow } from './tensorflow.js';

export {
  type AnalysedBenchmark,
  type AnalyzeOptions,
  analyzeBenchmark,
  analyzeTable,
  analyzeTables,
  type BenchmarkAnalysis,
  type TableAnalysis,
} from './analyze-benchmark.js';
export {
  type BestSettingGroup,
  type BestSettings,
  bestSettings,
  TOP_SHARE,
} from './best-settings.js';
export { type ClaimVerdict, judgeClaims } from './claims.js';
export {
  ACCURACY_EPSILON,
  argmax,
  type DistributionSummary,
  finiteMean,
  quantileSorted,
  summarize,
} from './distribution.js';
export { kendallTauFast } from './kendall-fast.js';
export {
  DEFAULT_TOP_ARCHITECTURES,
  type LrBatchRelation,
  leastSquaresSlope,
  lrBatchRelation,
} from './lr-batch-relation.js';
export {
  type OptimizationGap,
  optimizationGap,
  type StrategyGap,
  type TableOptimum,
} from './optimization-gap.js';
export {
  PROXY_DENSITY_BINS,
  PROXY_TOP_K,
  type ProxyDensity,
  type ProxyPick,
  type ProxyQuality,
  proxyQuality,
} from './proxy-quality.js';
export {
  DISTANT_MIN_STEPS,
  type DistanceBand,
  type RatioBand,
  type SeedAgreement,
  type SettingCorrelation,
  seedAgreement,
  settingCorrelation,
} from './setting-correlation.js';
export {
  type BenchmarkSettingTables,
  benchmarkSettingTables,
  completeRows,
  rowCount,
  rowValues,
  SETTING_COUNT,
  type Setting,
  type SettingTable,
  selectRows,
  settingAt,
  settingLabel,
  settingTable,
  type ValueSelection,
} from './setting-table.js';

export * from './analysis/index.js';
export { Benchmark, type BenchmarkCoverage } from './benchmark.js';
export { TRAINING_COUNT } from './benchmark-tables.js';
export { FormatError, MissingDataError } from './errors.js';
export {
  convertOfficial,
  importOfficialPickles,
  type OfficialImport,
  type OfficialImportOptions,
  type OfficialPickles,
} from './official-import.js';
export { DEFAULT_BENCHMARK_FILE, NO_DEFAULT_MESSAGE, type OpenOptions } from './open-source.js';
export { ALLOWED_GLOBALS } from './pickle-globals.js';
export { type ReadPickleOptions, readPickle } from './pickle-reader.js';
export {
  NumpyArray,
  NumpyDtype,
  PyDict,
  PyGlobal,
  PySet,
  PyTuple,
  type PyValue,
} from './pickle-values.js';
export {
  averageRanks,
  kendallTau,
  mean,
  pearson,
  sampleStd,
  spearmanRho,
  standardError,
} from './rank-statistics.js';
export { Run, type RunOptions, type RunResults, type RunTransition } from './run.js';
export {
  makeSyntheticBenchmark,
  makeSyntheticRecords,
  type SyntheticData,
  type SyntheticOptions,
  syntheticFinalAccuracy,
} from './synthetic.js';
export {
  type BenchmarkMetadata,
  FORMAT_VERSION,
  type LongRecord,
  MODES,
  type Mode,
  PAPER_PROTOCOL,
  type Provenance,
  type QueryOptions,
  type QueryResult,
  type ResolvedKey,
  type RunRecord,
  type TotalSeconds,
  type TrainingProtocol,
} from './types.js';
export {
  type ValidateOptions,
  type ValidationReport,
  validateBenchmarkParts,
} from './validate.js';

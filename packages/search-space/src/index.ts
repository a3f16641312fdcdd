export {
  allCellCodes,
  CELL_CODE_COUNT,
  type CellCode,
  type CellOps,
  cellCodeAt,
  cellIndex,
  formatCellCode,
  isCellCode,
  parseCellCode,
  validateCellCode,
} from './cell-code.js';
export {
  CONFIGURATION_COUNT,
  type ConfigKey,
  configAt,
  configIndex,
  formatConfigKey,
  hyperparameterPairIndex,
} from './config-key.js';
export { OFFICIAL_LONG_RUN_CELLS } from './data/official-long-run-cells.js';
export { OFFICIAL_REPRESENTATIVES } from './data/official-representatives.js';
export {
  adjacencyMatrix,
  CELL_PATHS,
  ONE_HOT_LENGTH,
  oneHotEncoding,
  PATH_ENCODING_LENGTH,
  pathEncoding,
} from './encodings.js';
export {
  areEquivalent,
  CELL_CLASS_COUNT,
  type CellClass,
  canonicalForm,
  cellClasses,
  cellClassOf,
  classIdsByCellIndex,
  representativeOf,
} from './equivalence.js';
export { assertArgument, InvalidArgumentError, NhbError } from './errors.js';
export {
  BATCH_SIZES,
  batchSizeIndex,
  HYPERPARAMETER_PAIR_COUNT,
  LEARNING_RATES,
  learningRateIndex,
} from './hyperparameters.js';
export {
  type NetworkCost,
  type NetworkShape,
  networkCost,
  PAPER_NETWORK_SHAPE,
} from './network-cost.js';
export {
  EDGE_COUNT,
  EDGES,
  NODE_COUNT,
  OP_AVG_POOL,
  OP_CONV,
  OP_SKIP,
  OP_ZERO,
  OPERATION_NAMES,
  type OpDigit,
  type OperationName,
} from './operations.js';
export { createRng, type Rng } from './random.js';
export {
  COMPONENT_COUNT,
  mutateConfig,
  neighbours,
  sampleCellCode,
  sampleConfig,
} from './sampling.js';

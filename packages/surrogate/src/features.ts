import {
  InvalidArgumentError,
  type NetworkShape,
  networkCost,
  ONE_HOT_LENGTH,
  oneHotEncoding,
  PATH_ENCODING_LENGTH,
  pathEncoding,
  validateCellCode,
} from '@nashpobench2/search-space';

/** Which inputs a model sees and in what order; stored in every model file. */
export interface FeatureSchema {
  /** Schema format version, 1. */
  readonly version: 1;
  /** Network shape used for the parameter and FLOP features (the protocol's shape). */
  readonly shape: NetworkShape;
  /** Epochs of short learning curve appended as features, integer ≥ 0; 0 = no curve block. */
  readonly curveEpochs: number;
  /**
   * false: the 24 one-hot and 48 path-encoding columns are left out (a model of what the curve,
   * size and hyperparameters decide); absent or true: they lead the row.
   */
  readonly encodings?: boolean;
  /** One name per feature column, in column order. */
  readonly names: readonly string[];
}

/** A short learning curve (mean over seeds) used as input: per-epoch valid accuracy and train loss. */
export interface CurveInput {
  /** Valid accuracy per epoch, percent, at least `curveEpochs` values. */
  readonly validAccuracy: ArrayLike<number>;
  /** Mean train cross-entropy per epoch, > 0, at least `curveEpochs` values. */
  readonly trainLoss: ArrayLike<number>;
}

/** One configuration to turn into a feature row. */
export interface FeatureInput {
  /** Cell code `'A|BC|DEF'`. */
  readonly cellCode: string;
  /** Learning rate, > 0. */
  readonly lr: number;
  /** Batch size, > 0. */
  readonly batchSize: number;
  /** Its short learning curve; required when the schema has `curveEpochs > 0`. */
  readonly curve?: CurveInput;
}

/** Options of `createFeatureSchema`. */
export interface FeatureSchemaOptions {
  /** Network shape for parameters and FLOPs; default the paper's shape. */
  readonly shape?: NetworkShape;
  /** Curve epochs used as features, integer ≥ 0; default 0 (architecture and hyperparameters only). */
  readonly curveEpochs?: number;
  /** Include the one-hot and path encodings of the cell; default true. */
  readonly encodings?: boolean;
}

/** Loss floor before taking logs, so a zero or negative loss cannot produce -Infinity. */
const LOSS_FLOOR = 1e-6;

/** Creates the feature schema: 24 one-hot, 48 path (unless `encodings` is false), log10 params, log10 FLOPs, log2 lr, log2 batch size, then the curve. */
export function createFeatureSchema(options: FeatureSchemaOptions = {}): FeatureSchema {
  const curveEpochs = options.curveEpochs ?? 0;
  if (!Number.isInteger(curveEpochs) || curveEpochs < 0) {
    throw new InvalidArgumentError('surrogate', 'curveEpochs', curveEpochs, 'integers ≥ 0');
  }
  const encodings = options.encodings ?? true;
  if (typeof encodings !== 'boolean') {
    throw new InvalidArgumentError('surrogate', 'encodings', String(encodings), 'true or false');
  }
  const names: string[] = [];
  if (encodings) {
    for (let edge = 0; edge < 6; edge++) {
      for (let op = 0; op < 4; op++) names.push(`edge${edge}=op${op}`);
    }
    for (let i = 0; i < PATH_ENCODING_LENGTH; i++) names.push(`path${i}`);
  }
  names.push('log10Parameters', 'log10Flops', 'log2Lr', 'log2BatchSize');
  for (let e = 1; e <= curveEpochs; e++) names.push(`validAccuracyFraction@${e}`);
  for (let e = 1; e <= curveEpochs; e++) names.push(`log10TrainLoss@${e}`);
  const shape = { ...(options.shape ?? {}) };
  return encodings
    ? { version: 1, shape, curveEpochs, names }
    : { version: 1, shape, curveEpochs, encodings: false, names };
}

const costCache = new Map<string, { parameters: number; flops: number }>();

function cachedCost(code: string, shape: NetworkShape): { parameters: number; flops: number } {
  const key = `${code}/${JSON.stringify(shape)}`;
  let cost = costCache.get(key);
  if (!cost) {
    cost = networkCost(code, shape);
    costCache.set(key, cost);
  }
  return cost;
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError('surrogate', name, value, 'finite numbers > 0');
  }
}

/** The feature row of one configuration under a schema (length `schema.names.length`). */
export function extractFeatures(schema: FeatureSchema, input: FeatureInput): Float64Array {
  validateCellCode(input.cellCode);
  checkPositive('lr', input.lr);
  checkPositive('batchSize', input.batchSize);
  const row = new Float64Array(schema.names.length);

  let column = 0;
  if (schema.encodings !== false) {
    row.set(oneHotEncoding(input.cellCode), 0);
    row.set(pathEncoding(input.cellCode), ONE_HOT_LENGTH);
    column = ONE_HOT_LENGTH + PATH_ENCODING_LENGTH;
  }
  const cost = cachedCost(input.cellCode, schema.shape);
  row[column++] = Math.log10(cost.parameters);
  row[column++] = Math.log10(cost.flops);
  row[column++] = Math.log2(input.lr);
  row[column++] = Math.log2(input.batchSize);

  if (schema.curveEpochs === 0) return row;
  const curve = input.curve;
  const epochs = schema.curveEpochs;
  if (!curve || curve.validAccuracy.length < epochs || curve.trainLoss.length < epochs) {
    const shown = curve ? `${curve.validAccuracy.length} epochs` : 'none';
    const allowed = `a curve of ≥ ${epochs} epochs of validAccuracy and trainLoss`;
    throw new InvalidArgumentError('surrogate', 'curve', shown, allowed);
  }
  for (let e = 0; e < epochs; e++) {
    const accuracy = curve.validAccuracy[e];
    if (!(accuracy >= 0 && accuracy <= 100)) {
      const allowed = 'percentages in [0, 100]';
      throw new InvalidArgumentError('surrogate', `curve validAccuracy[${e}]`, accuracy, allowed);
    }
    row[column++] = accuracy / 100;
  }
  for (let e = 0; e < epochs; e++) {
    const loss = curve.trainLoss[e];
    if (!(loss >= 0 && Number.isFinite(loss))) {
      const allowed = 'finite numbers ≥ 0';
      throw new InvalidArgumentError('surrogate', `curve trainLoss[${e}]`, loss, allowed);
    }
    row[column++] = Math.log10(Math.max(LOSS_FLOOR, loss));
  }
  return row;
}

/** Feature rows of many configurations. */
export function extractFeatureMatrix(
  schema: FeatureSchema,
  inputs: readonly FeatureInput[],
): Float64Array[] {
  return inputs.map((input) => extractFeatures(schema, input));
}

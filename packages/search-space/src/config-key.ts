import { CELL_CODE_COUNT, type CellCode, cellCodeAt, cellIndex } from './cell-code.js';
import { InvalidArgumentError } from './errors.js';
import {
  BATCH_SIZES,
  batchSizeIndex,
  HYPERPARAMETER_PAIR_COUNT,
  LEARNING_RATES,
  learningRateIndex,
} from './hyperparameters.js';

/** One point of the joint space: a cell and its two training hyperparameters. */
export interface ConfigKey {
  /** Cell code `'A|BC|DEF'`. */
  readonly cellCode: CellCode;
  /** Learning rate, one of `LEARNING_RATES`. */
  readonly lr: number;
  /** Batch size, one of `BATCH_SIZES`. */
  readonly batchSize: number;
}

/** Number of configurations, 4,096 cells × 48 pairs = 196,608. */
export const CONFIGURATION_COUNT = CELL_CODE_COUNT * HYPERPARAMETER_PAIR_COUNT;

/** Official index of a configuration: cell × 48 + lr × 6 + batch size, 0..196,607. */
export function configIndex(key: ConfigKey): number {
  const cell = cellIndex(key.cellCode);
  const lr = learningRateIndex(key.lr);
  const batch = batchSizeIndex(key.batchSize);
  return cell * HYPERPARAMETER_PAIR_COUNT + lr * BATCH_SIZES.length + batch;
}

/** The configuration at an official index 0..196,607. */
export function configAt(index: number): ConfigKey {
  if (!Number.isInteger(index) || index < 0 || index >= CONFIGURATION_COUNT) {
    const allowed = `integers 0..${CONFIGURATION_COUNT - 1}`;
    throw new InvalidArgumentError(
      'search-space',
      'configIndex',
      index,
      allowed,
      'configuration index',
    );
  }
  const cell = Math.floor(index / HYPERPARAMETER_PAIR_COUNT);
  const pair = index % HYPERPARAMETER_PAIR_COUNT;
  return {
    cellCode: cellCodeAt(cell),
    lr: LEARNING_RATES[Math.floor(pair / BATCH_SIZES.length)],
    batchSize: BATCH_SIZES[pair % BATCH_SIZES.length],
  };
}

/** Index 0..47 of a (learning rate, batch size) pair: lr × 6 + batch size. */
export function hyperparameterPairIndex(lr: number, batchSize: number): number {
  return learningRateIndex(lr) * BATCH_SIZES.length + batchSizeIndex(batchSize);
}

/** A short text form of a key, `'0|10|210@lr=0.1,bs=256'`, for logs and maps. */
export function formatConfigKey(key: ConfigKey): string {
  return `${key.cellCode}@lr=${key.lr},bs=${key.batchSize}`;
}

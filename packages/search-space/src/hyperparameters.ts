import { InvalidArgumentError } from './errors.js';

/** The eight learning rates of the grid, ascending (official order). */
export const LEARNING_RATES: readonly number[] = [
  0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4,
];

/** The six batch sizes of the grid, ascending (official order). */
export const BATCH_SIZES: readonly number[] = [16, 32, 64, 128, 256, 512];

/** Number of (learning rate, batch size) pairs, 8 × 6. */
export const HYPERPARAMETER_PAIR_COUNT = LEARNING_RATES.length * BATCH_SIZES.length;

/** Relative tolerance when matching a learning rate typed by a user (`0.1` vs `1e-1`). */
const LR_RELATIVE_TOLERANCE = 1e-9;

/** Position 0..7 of a learning rate in `LEARNING_RATES`; throws naming the allowed values. */
export function learningRateIndex(lr: number): number {
  const index = LEARNING_RATES.findIndex(
    (value) => Math.abs(value - lr) <= LR_RELATIVE_TOLERANCE * value,
  );
  if (index < 0) {
    throw new InvalidArgumentError(
      'search-space',
      'lr',
      lr,
      LEARNING_RATES.join(', '),
      'learning rate',
    );
  }
  return index;
}

/** Position 0..5 of a batch size in `BATCH_SIZES`; throws naming the allowed values. */
export function batchSizeIndex(batchSize: number): number {
  const index = BATCH_SIZES.indexOf(batchSize);
  if (index < 0) {
    const allowed = BATCH_SIZES.join(', ');
    throw new InvalidArgumentError('search-space', 'batchSize', batchSize, allowed, 'batch size');
  }
  return index;
}

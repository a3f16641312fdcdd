import {
  CELL_CODE_COUNT,
  type CellCode,
  cellCodeAt,
  formatCellCode,
  parseCellCode,
} from './cell-code.js';
import { CONFIGURATION_COUNT, type ConfigKey, configAt } from './config-key.js';
import { BATCH_SIZES, LEARNING_RATES } from './hyperparameters.js';
import type { Rng } from './random.js';

/** The eight components of a configuration that a mutation can change: six edges, lr, batch size. */
export const COMPONENT_COUNT = 8;

/** A uniformly random cell code. */
export function sampleCellCode(rng: Rng): CellCode {
  return cellCodeAt(rng.int(CELL_CODE_COUNT));
}

/** A uniformly random configuration of the 196,608. */
export function sampleConfig(rng: Rng): ConfigKey {
  return configAt(rng.int(CONFIGURATION_COUNT));
}

/** Values of component `component` (0-5 edges, 6 lr, 7 batch size) that differ from `key`'s. */
function alternatives(key: ConfigKey, component: number): ConfigKey[] {
  if (component === 6) {
    return LEARNING_RATES.filter((lr) => lr !== key.lr).map((lr) => ({ ...key, lr }));
  }
  if (component === 7) {
    return BATCH_SIZES.filter((b) => b !== key.batchSize).map((batchSize) => ({
      ...key,
      batchSize,
    }));
  }
  const ops = parseCellCode(key.cellCode);
  return [0, 1, 2, 3]
    .filter((digit) => digit !== ops[component])
    .map((digit) => {
      const changed = ops.slice();
      changed[component] = digit as (typeof ops)[number];
      return { ...key, cellCode: formatCellCode(changed) };
    });
}

/** Every configuration that differs from `key` in exactly one component (30 of them). */
export function neighbours(key: ConfigKey): ConfigKey[] {
  const result: ConfigKey[] = [];
  for (let component = 0; component < COMPONENT_COUNT; component++) {
    result.push(...alternatives(key, component));
  }
  return result;
}

/**
 * The paper's mutation: one of the 8 components, chosen uniformly, changed to a different
 * value chosen uniformly. `components` restricts the choice (for example `[0,1,2,3,4,5]` to
 * mutate only the cell).
 */
export function mutateConfig(key: ConfigKey, rng: Rng, components?: readonly number[]): ConfigKey {
  const allowed = components ?? [0, 1, 2, 3, 4, 5, 6, 7];
  const component = rng.pick(allowed);
  return rng.pick(alternatives(key, component));
}

import type { Rng } from '@nashpobench2/search-space';

/** Number of choices per component: six edges (4 operations), lr (8 values), batch size (6). */
export const COMPONENT_SIZES: readonly number[] = [4, 4, 4, 4, 4, 4, 8, 6];

/** Component positions 0..5: the six edges of the cell. */
export const CELL_COMPONENTS: readonly number[] = [0, 1, 2, 3, 4, 5];

/** Component positions 6 and 7: learning rate and batch size. */
export const HYPERPARAMETER_COMPONENTS: readonly number[] = [6, 7];

/** All eight component positions. */
export const ALL_COMPONENTS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** Number of configurations, 4^6 × 8 × 6. */
export const INDEX_COUNT = 196_608;

/**
 * Writes the eight component values (edge digits 0..3, lr index 0..7, batch-size index 0..5)
 * of a configuration index 0..196,607 into `out` and returns it.
 */
export function decodeIndex(index: number, out: number[] = new Array<number>(8)): number[] {
  let cell = Math.floor(index / 48);
  const pair = index - cell * 48;
  for (let edge = 5; edge >= 0; edge--) {
    out[edge] = cell & 3;
    cell >>= 2;
  }
  out[6] = Math.floor(pair / 6);
  out[7] = pair % 6;
  return out;
}

/** Configuration index 0..196,607 of eight component values (inverse of `decodeIndex`). */
export function encodeComponents(values: ArrayLike<number>): number {
  let cell = 0;
  for (let edge = 0; edge < 6; edge++) cell = cell * 4 + values[edge];
  return cell * 48 + values[6] * 6 + values[7];
}

/** A uniformly random configuration index 0..196,607. */
export function randomIndex(rng: Rng): number {
  return rng.int(INDEX_COUNT);
}

/**
 * The paper's mutation on indices: one of `components` (default all eight) chosen uniformly,
 * set to a different value chosen uniformly. Same distribution as search-space `mutateConfig`.
 */
export function mutateIndex(
  index: number,
  rng: Rng,
  components: readonly number[] = ALL_COMPONENTS,
): number {
  const values = decodeIndex(index);
  const component = components[rng.int(components.length)];
  const other = rng.int(COMPONENT_SIZES[component] - 1);
  values[component] = other >= values[component] ? other + 1 : other;
  return encodeComponents(values);
}

/** Every index differing from `index` in exactly one of `components` (30 for all eight). */
export function neighbourIndices(
  index: number,
  components: readonly number[] = ALL_COMPONENTS,
): number[] {
  const values = decodeIndex(index);
  const result: number[] = [];
  for (const component of components) {
    const original = values[component];
    for (let value = 0; value < COMPONENT_SIZES[component]; value++) {
      if (value === original) continue;
      values[component] = value;
      result.push(encodeComponents(values));
    }
    values[component] = original;
  }
  return result;
}

/**
 * A part of the space: the `free` components vary, the others keep the values of `base`.
 * Used by the two-stage baselines (only lr and batch size free, or only the cell).
 */
export interface Subspace {
  /** Component positions that vary, a subset of 0..7. */
  readonly free: readonly number[];
  /** Index whose values the fixed components keep, 0..196,607. */
  readonly base: number;
}

/** The whole space: all eight components free. */
export const FULL_SPACE: Subspace = { free: ALL_COMPONENTS, base: 0 };

/** A uniformly random index of a subspace. */
export function sampleSubspace(space: Subspace, rng: Rng): number {
  if (space.free.length === 8) return randomIndex(rng);
  const values = decodeIndex(space.base);
  for (const component of space.free) values[component] = rng.int(COMPONENT_SIZES[component]);
  return encodeComponents(values);
}

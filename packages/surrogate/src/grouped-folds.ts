import { createRng, InvalidArgumentError } from '@nashpobench2/search-space';

/** Train and test row indices of one fold. */
export interface Fold {
  /** Rows used for fitting. */
  readonly train: number[];
  /** Held-out rows; no group here appears in `train`. */
  readonly test: number[];
}

/**
 * Splits rows into k folds so that every group (architecture class) lies in exactly one fold.
 * Groups are shuffled with `seed`, then placed largest first into the fold with fewest rows.
 * folds: integer ≥ 2, reduced to the number of distinct groups when there are fewer;
 * seed: integer, default 0. Returns the fold of each row, 0..k-1.
 */
export function groupedFoldAssignment(
  groups: ArrayLike<number | string>,
  folds: number,
  seed = 0,
): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new InvalidArgumentError('surrogate', 'folds', folds, 'integers ≥ 2');
  }
  const sizes = new Map<number | string, number>();
  for (let i = 0; i < groups.length; i++) sizes.set(groups[i], (sizes.get(groups[i]) ?? 0) + 1);
  if (sizes.size < 2) {
    const allowed = 'rows from at least 2 distinct groups';
    throw new InvalidArgumentError('surrogate', 'groups', `${sizes.size} distinct`, allowed);
  }

  const keys = [...sizes.keys()];
  const rng = createRng(seed);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const order = keys.map((key, position) => ({ key, position }));
  order.sort(
    (a, b) => (sizes.get(b.key) ?? 0) - (sizes.get(a.key) ?? 0) || a.position - b.position,
  );

  const k = Math.min(folds, sizes.size);
  const load = new Array<number>(k).fill(0);
  const foldOfGroup = new Map<number | string, number>();
  for (const { key } of order) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if (load[f] < load[lightest]) lightest = f;
    foldOfGroup.set(key, lightest);
    load[lightest] += sizes.get(key) ?? 0;
  }

  const assignment = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) assignment[i] = foldOfGroup.get(groups[i]) ?? 0;
  return assignment;
}

/** The folds of a fold assignment, as train/test index lists. */
export function foldsOf(assignment: Int32Array): Fold[] {
  let k = 0;
  for (const f of assignment) k = Math.max(k, f + 1);
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    assignment.forEach((fold, row) => {
      (fold === f ? test : train).push(row);
    });
    folds.push({ train, test });
  }
  return folds;
}

/** Grouped k-fold split in one call: `foldsOf(groupedFoldAssignment(groups, folds, seed))`. */
export function groupedKFold(groups: ArrayLike<number | string>, folds: number, seed = 0): Fold[] {
  return foldsOf(groupedFoldAssignment(groups, folds, seed));
}

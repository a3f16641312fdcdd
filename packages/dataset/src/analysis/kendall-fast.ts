import { InvalidArgumentError } from '@nashpobench2/search-space';

/** Pairs of n items, n(n − 1)/2, exact in doubles for n < 2^26. */
function pairCount(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Sum of t(t − 1)/2 over runs of equal values in `order`, a permutation sorted by `values`. */
function tiedPairs(order: Uint32Array, values: ArrayLike<number>): number {
  let ties = 0;
  let run = 1;
  for (let k = 1; k <= order.length; k++) {
    if (k < order.length && values[order[k]] === values[order[k - 1]]) {
      run++;
    } else {
      ties += pairCount(run);
      run = 1;
    }
  }
  return ties;
}

/** Stable bottom-up merge sort of `order` by `values`; returns the number of inversions it undid. */
function mergeSortCountingSwaps(order: Uint32Array, values: ArrayLike<number>): number {
  const n = order.length;
  let source: Uint32Array = order;
  let target: Uint32Array = new Uint32Array(n);
  let swaps = 0;

  for (let width = 1; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(left + width, n);
      const right = Math.min(left + 2 * width, n);
      let i = left;
      let j = middle;
      let k = left;
      while (i < middle && j < right) {
        // Taking from the right run while the left still holds larger values: one inversion each.
        if (values[source[j]] < values[source[i]]) {
          swaps += middle - i;
          target[k++] = source[j++];
        } else {
          target[k++] = source[i++];
        }
      }
      while (i < middle) target[k++] = source[i++];
      while (j < right) target[k++] = source[j++];
    }
    [source, target] = [target, source];
  }

  if (source !== order) order.set(source);
  return swaps;
}

/**
 * Kendall's τ-b with ties handled, by Knight's O(n log n) algorithm; the same value as
 * `kendallTau` (O(n²)) up to rounding. NaN when one sample is constant. Inputs must not hold NaN.
 */
export function kendallTauFast(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) {
    const shown = `lengths ${a.length} and ${b.length}`;
    throw new InvalidArgumentError('dataset', 'samples', shown, 'two arrays of equal length ≥ 2');
  }
  const n = a.length;

  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const byAThenB = Array.from(order).sort((x, y) => a[x] - a[y] || b[x] - b[y]);
  order.set(byAThenB);

  const tiesA = tiedPairs(order, a);
  let tiesBoth = 0;
  let run = 1;
  for (let k = 1; k <= n; k++) {
    const same = k < n && a[order[k]] === a[order[k - 1]] && b[order[k]] === b[order[k - 1]];
    if (same) {
      run++;
    } else {
      tiesBoth += pairCount(run);
      run = 1;
    }
  }

  // Within a run of equal a the order is already ascending in b, so every inversion counted
  // here is a pair with a strictly ordered one way and b strictly the other: a discordant pair.
  const discordant = mergeSortCountingSwaps(order, b);
  const tiesB = tiedPairs(order, b);

  const total = pairCount(n);
  const concordantMinusDiscordant = total - tiesA - tiesB + tiesBoth - 2 * discordant;
  const denominator = Math.sqrt((total - tiesA) * (total - tiesB));
  return denominator === 0 ? Number.NaN : concordantMinusDiscordant / denominator;
}

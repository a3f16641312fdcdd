import { InvalidArgumentError } from '@nashpobench2/search-space';

function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length || a.length < 2) {
    const shown = `lengths ${a.length} and ${b.length}`;
    throw new InvalidArgumentError('dataset', 'samples', shown, 'two arrays of equal length ≥ 2');
  }
}

/** Arithmetic mean of a non-empty list. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0)
    throw new InvalidArgumentError('dataset', 'values', '[]', 'a non-empty list');
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
export function sampleStd(values: ArrayLike<number>): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** Standard error of the mean, sample std / √n; 0 for a single value. */
export function standardError(values: ArrayLike<number>): number {
  return values.length < 2 ? 0 : sampleStd(values) / Math.sqrt(values.length);
}

/**
 * Kendall's τ-b between two paired samples, with ties handled; O(n²), fine for n ≤ ~20,000.
 * Returns NaN when one sample is constant.
 */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPaired(a, b);
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt(
    (concordant + discordant + tiesA) * (concordant + discordant + tiesB),
  );
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort(
    (x, y) => values[x] - values[y],
  );
  const ranks = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation; NaN when one sample is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPaired(a, b);
  const ma = mean(a);
  const mb = mean(b);
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va === 0 || vb === 0 ? Number.NaN : cov / Math.sqrt(va * vb);
}

/** Spearman's ρ: Pearson correlation of average ranks. */
export function spearmanRho(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPaired(a, b);
  return pearson(averageRanks(a), averageRanks(b));
}

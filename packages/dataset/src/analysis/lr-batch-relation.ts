import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';
import { argmax } from './distribution.js';
import {
  completeRows,
  rowValues,
  SETTING_COUNT,
  type SettingTable,
  selectRows,
} from './setting-table.js';

/** Architectures the relation is read from by default: the 10 best by their best accuracy. */
export const DEFAULT_TOP_ARCHITECTURES = 10;

/** Slopes the best-lr fit is compared with: no scaling, square-root scaling, linear scaling. */
const SCALING_RULES = [
  { name: 'no scaling (best lr independent of batch size)', slope: 0 },
  { name: 'square-root scaling (lr ∝ √batch size)', slope: 0.5 },
  { name: 'linear scaling (lr ∝ batch size)', slope: 1 },
] as const;

/** Accuracy over the lr × batch-size grid for the top architectures. */
export interface LrBatchRelation {
  /** Label of the table. */
  label: string;
  /** The top architectures used, best first, with their 48 values (percent). */
  architectures: { classId: number; values: number[] }[];
  /** Mean accuracy over those architectures at each of the 48 settings, percent. */
  meanGrid: number[];
  /** For each batch size (BATCH_SIZES order), the lr with the best mean accuracy. */
  bestLrOfMean: number[];
  /** Per architecture and batch size, the best lr (architectures × 6). */
  bestLr: number[][];
  /**
   * Least-squares slope of log2(best lr) on log2(batch size) over every (architecture, batch
   * size); 1 under the linear scaling rule, 0.5 under square-root scaling, 0 without scaling.
   */
  slope: number;
  /** Intercept of the same fit: log2(best lr) = intercept + slope · log2(batch size). */
  intercept: number;
  /** Standard error of the slope (points taken as independent). */
  slopeStandardError: number;
  /** Share 0..1 of the best lr values that sit at the lowest or highest lr of the grid. */
  shareAtGridEdge: number;
  /** The rule whose slope is nearest the fit. */
  nearestRule: string;
  /** True when 1 lies within the slope ± 2 standard errors. */
  linearScalingConsistent: boolean;
}

/**
 * How accuracy depends on lr and batch size for the `top` best architectures (ranked by their
 * best value over the grid, among architectures with all 48 values), and whether the best lr
 * scales with the batch size. Null when fewer than one architecture is complete.
 */
export function lrBatchRelation(
  table: SettingTable,
  top: number = DEFAULT_TOP_ARCHITECTURES,
): LrBatchRelation | null {
  const complete = selectRows(table, completeRows(table));
  const n = complete.classIds.length;
  if (n === 0) return null;

  const bestOf = (row: number) => Math.max(...rowValues(complete, row));
  const ranked = Array.from({ length: n }, (_, row) => row).sort(
    (x, y) => bestOf(y) - bestOf(x) || x - y,
  );
  const chosen = ranked.slice(0, Math.max(1, Math.min(top, n)));

  const meanGrid = new Array<number>(SETTING_COUNT).fill(0);
  for (const row of chosen) {
    const values = rowValues(complete, row);
    for (let s = 0; s < SETTING_COUNT; s++) meanGrid[s] += values[s] / chosen.length;
  }

  const lrCount = LEARNING_RATES.length;
  const batchCount = BATCH_SIZES.length;
  const bestLrIndex = (values: ArrayLike<number>, batch: number) =>
    argmax(Float64Array.from({ length: lrCount }, (_, lr) => values[lr * batchCount + batch]));

  const bestLrOfMean = BATCH_SIZES.map((_, b) => LEARNING_RATES[bestLrIndex(meanGrid, b)]);
  const points: { x: number; y: number }[] = [];
  let atEdge = 0;
  const bestLr = chosen.map((row) => {
    const values = rowValues(complete, row);
    return BATCH_SIZES.map((batchSize, b) => {
      const lrIndex = bestLrIndex(values, b);
      if (lrIndex === 0 || lrIndex === lrCount - 1) atEdge++;
      points.push({ x: Math.log2(batchSize), y: Math.log2(LEARNING_RATES[lrIndex]) });
      return LEARNING_RATES[lrIndex];
    });
  });

  const { slope, intercept, standardError } = leastSquaresSlope(points);
  const nearest = SCALING_RULES.reduce((a, b) =>
    Math.abs(b.slope - slope) < Math.abs(a.slope - slope) ? b : a,
  );

  return {
    label: table.label,
    architectures: chosen.map((row) => ({
      classId: complete.classIds[row],
      values: [...rowValues(complete, row)],
    })),
    meanGrid,
    bestLrOfMean,
    bestLr,
    slope,
    intercept,
    slopeStandardError: standardError,
    shareAtGridEdge: atEdge / points.length,
    nearestRule: nearest.name,
    linearScalingConsistent: Math.abs(slope - 1) <= 2 * standardError,
  };
}

/**
 * Ordinary least-squares fit y = intercept + slope · x; the slope's standard error is NaN below
 * three points, the slope NaN when all x are equal.
 */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): {
  slope: number;
  intercept: number;
  standardError: number;
} {
  const m = points.length;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / m;
  const my = points.reduce((sum, p) => sum + p.y, 0) / m;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  let residuals = 0;
  for (const p of points) residuals += (p.y - my - slope * (p.x - mx)) ** 2;
  const standardError = m > 2 && sxx > 0 ? Math.sqrt(residuals / (m - 2) / sxx) : Number.NaN;
  return { slope, intercept: my - slope * mx, standardError };
}

import { ACCURACY_EPSILON, argmax } from './distribution.js';
import {
  completeRows,
  rowValues,
  SETTING_COUNT,
  type SettingTable,
  selectRows,
} from './setting-table.js';

/** Share of the architectures, ranked by their best accuracy, that count as top, 0.1. */
export const TOP_SHARE = 0.1;

/** How often a group of architectures prefers a setting other than the global best. */
export interface BestSettingGroup {
  /** Architectures in the group. */
  architectures: number;
  /** Share 0..1 whose own best setting is not the global best setting. */
  shareDifferent: number;
  /** Share 0..1 whose own best setting is not the setting of the single best configuration. */
  shareDifferentFromBestConfiguration: number;
  /** Mean percent points lost by training each at the global best instead of its own best. */
  meanLossAtGlobal: number;
  /** Largest such loss, percent points. */
  maxLossAtGlobal: number;
}

/** Each architecture's best (lr, batch size) and how it relates to one global choice. */
export interface BestSettings {
  /** Label of the table. */
  label: string;
  /**
   * Class ids of the architectures used: those with all 48 values that are not all equal (an
   * architecture that scores the same everywhere, such as a cell whose output is cut off, has
   * no preferred setting).
   */
  classIds: number[];
  /** Complete architectures left out because their 48 values are all equal. */
  indifferentArchitectures: number;
  /** Best setting 0..47 of each of them (first on ties). */
  bestSetting: number[];
  /** How many architectures have each setting as their best, 48 counts. */
  histogram: number[];
  /** Setting with the highest mean accuracy over the architectures: the best fixed choice. */
  globalBestSetting: number;
  /** Setting of the single best configuration. */
  bestConfigurationSetting: number;
  /** Number of different settings that are best for some architecture. */
  distinctBestSettings: number;
  /** Every architecture. */
  all: BestSettingGroup;
  /** The top TOP_SHARE of architectures by their best accuracy (at least one). */
  top: BestSettingGroup;
}

function group(
  table: SettingTable,
  rows: number[],
  best: number[],
  global: number,
  bestConfiguration: number,
): BestSettingGroup {
  let different = 0;
  let differentFromBestConfiguration = 0;
  let lossSum = 0;
  let lossMax = 0;
  for (const row of rows) {
    const values = rowValues(table, row);
    const loss = values[best[row]] - values[global];
    if (loss > ACCURACY_EPSILON) different++;
    if (values[best[row]] - values[bestConfiguration] > ACCURACY_EPSILON) {
      differentFromBestConfiguration++;
    }
    lossSum += loss;
    lossMax = Math.max(lossMax, loss);
  }
  const n = rows.length;
  return {
    architectures: n,
    shareDifferent: n > 0 ? different / n : Number.NaN,
    shareDifferentFromBestConfiguration: n > 0 ? differentFromBestConfiguration / n : Number.NaN,
    meanLossAtGlobal: n > 0 ? lossSum / n : Number.NaN,
    maxLossAtGlobal: lossMax,
  };
}

/**
 * Best setting of every architecture that has all 48 values (and not all equal), their
 * histogram, and the share that differs from the best fixed setting. An architecture whose own
 * best ties with the global setting (within ACCURACY_EPSILON) counts as agreeing. Null when no
 * architecture qualifies.
 */
export function bestSettings(table: SettingTable): BestSettings | null {
  const completeIndices = completeRows(table);
  const usable = completeIndices.filter((row) => !isConstant(rowValues(table, row)));
  const complete = selectRows(table, usable);
  const n = complete.classIds.length;
  if (n === 0) return null;

  const rows = Array.from({ length: n }, (_, row) => row);
  const best = rows.map((row) => argmax(rowValues(complete, row)));
  const histogram = new Array<number>(SETTING_COUNT).fill(0);
  for (const setting of best) histogram[setting]++;

  const means = new Float64Array(SETTING_COUNT);
  for (const row of rows) {
    const values = rowValues(complete, row);
    for (let s = 0; s < SETTING_COUNT; s++) means[s] += values[s] / n;
  }
  const globalBestSetting = argmax(means);
  const bestRow = argmax(
    Float64Array.from(rows, (row) => complete.values[row * SETTING_COUNT + best[row]]),
  );

  const byQuality = [...rows].sort((x, y) => {
    const bx = complete.values[x * SETTING_COUNT + best[x]];
    const by = complete.values[y * SETTING_COUNT + best[y]];
    return by - bx || x - y;
  });
  const topRows = byQuality.slice(0, Math.max(1, Math.ceil(TOP_SHARE * n)));

  return {
    label: table.label,
    classIds: [...complete.classIds],
    indifferentArchitectures: completeIndices.length - n,
    bestSetting: best,
    histogram,
    globalBestSetting,
    bestConfigurationSetting: best[bestRow],
    distinctBestSettings: histogram.filter((count) => count > 0).length,
    all: group(complete, rows, best, globalBestSetting, best[bestRow]),
    top: group(complete, topRows, best, globalBestSetting, best[bestRow]),
  };
}

/** Whether every value lies within ACCURACY_EPSILON of the first. */
function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) {
    if (Math.abs(values[i] - values[0]) > ACCURACY_EPSILON) return false;
  }
  return true;
}

import { sampleStd } from '../rank-statistics.js';
import { finiteMean } from './distribution.js';
import { kendallTauFast } from './kendall-fast.js';
import { rowCount, SETTING_COUNT, type SettingTable, settingAt } from './setting-table.js';

/** Smallest grid distance (lr steps + batch-size steps) at which two settings count as distant. */
export const DISTANT_MIN_STEPS = 6;

/** Fewest architectures two settings must share for their τ to be computed, 3. */
const MIN_COMMON_ROWS = 3;

/** Mean τ over the setting pairs at one grid distance. */
export interface DistanceBand {
  /** Grid distance |Δ lr index| + |Δ batch index|, 1..12. */
  steps: number;
  /** Setting pairs at that distance with a defined τ. */
  pairs: number;
  /** Their mean Kendall τ; NaN when none. */
  meanTau: number;
}

/** Mean τ along and across the diagonals of constant lr / batch size (linear scaling). */
export interface RatioBand {
  /** k: both indices move k steps (k ≥ 1). */
  steps: number;
  /** Mean τ of pairs whose lr and batch size both double k times (same lr / batch size ratio). */
  sameRatioMeanTau: number;
  /** Mean τ of pairs where one doubles k times and the other halves k times (ratio × 4^k). */
  oppositeRatioMeanTau: number;
}

/** How much the architecture rankings of the 48 settings agree. */
export interface SettingCorrelation {
  /** Label of the table the rankings come from. */
  label: string;
  /** 48 × 48 Kendall τ-b between settings over their common architectures; NaN where undefined. */
  tau: number[][];
  /** Fewest architectures any defined τ used. */
  minCommonArchitectures: number;
  /** Mean τ by grid distance, 1..12 steps. */
  byDistance: DistanceBand[];
  /** Mean τ of neighbouring settings (one step in lr or in batch size). */
  neighbouringMeanTau: number;
  /** Mean τ of distant settings (DISTANT_MIN_STEPS or more steps apart). */
  distantMeanTau: number;
  /** Mean τ over all pairs of distinct settings. */
  overallMeanTau: number;
  /** The least correlated pair of settings. */
  lowest: { a: number; b: number; tau: number } | null;
  /** Constant-ratio diagonals vs anti-diagonals, k = 1..5. */
  byRatio: RatioBand[];
  /** Class id of the best architecture under each setting (−1 where the column is empty). */
  bestClassBySetting: number[];
  /** How many different architectures are best under some setting. */
  distinctBestArchitectures: number;
}

function column(table: SettingTable, setting: number): Float64Array {
  const n = rowCount(table);
  const out = new Float64Array(n);
  for (let row = 0; row < n; row++) out[row] = table.values[row * SETTING_COUNT + setting];
  return out;
}

/** Kendall τ-b of two columns over the rows where both are finite; NaN below 3 common rows. */
function pairedTau(x: Float64Array, y: Float64Array): { tau: number; common: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      a.push(x[i]);
      b.push(y[i]);
    }
  }
  if (a.length < MIN_COMMON_ROWS) return { tau: Number.NaN, common: a.length };
  return { tau: kendallTauFast(a, b), common: a.length };
}

/** Kendall τ between the architecture rankings of every pair of the 48 settings, and summaries. */
export function settingCorrelation(table: SettingTable): SettingCorrelation {
  const columns = Array.from({ length: SETTING_COUNT }, (_, s) => column(table, s));
  const tau = Array.from({ length: SETTING_COUNT }, () => new Array<number>(SETTING_COUNT));
  let minCommon = Number.POSITIVE_INFINITY;

  for (let p = 0; p < SETTING_COUNT; p++) {
    tau[p][p] = columns[p].some(Number.isFinite) ? 1 : Number.NaN;
    for (let q = p + 1; q < SETTING_COUNT; q++) {
      const { tau: value, common } = pairedTau(columns[p], columns[q]);
      tau[p][q] = value;
      tau[q][p] = value;
      if (Number.isFinite(value)) minCommon = Math.min(minCommon, common);
    }
  }

  const distanceGroups = new Map<number, number[]>();
  const sameRatio = new Map<number, number[]>();
  const oppositeRatio = new Map<number, number[]>();
  const all: number[] = [];
  let lowest: SettingCorrelation['lowest'] = null;
  for (let p = 0; p < SETTING_COUNT; p++) {
    for (let q = p + 1; q < SETTING_COUNT; q++) {
      const value = tau[p][q];
      if (!Number.isFinite(value)) continue;
      const sp = settingAt(p);
      const sq = settingAt(q);
      const dLr = sq.lrIndex - sp.lrIndex;
      const dBatch = sq.batchIndex - sp.batchIndex;
      const steps = Math.abs(dLr) + Math.abs(dBatch);
      push(distanceGroups, steps, value);
      if (dLr !== 0 && dLr === dBatch) push(sameRatio, Math.abs(dLr), value);
      if (dLr !== 0 && dLr === -dBatch) push(oppositeRatio, Math.abs(dLr), value);
      all.push(value);
      if (!lowest || value < lowest.tau) lowest = { a: p, b: q, tau: value };
    }
  }

  const byDistance: DistanceBand[] = [];
  for (let steps = 1; steps <= 12; steps++) {
    const values = distanceGroups.get(steps) ?? [];
    byDistance.push({ steps, pairs: values.length, meanTau: finiteMean(values) });
  }
  const distant = [...distanceGroups.entries()]
    .filter(([steps]) => steps >= DISTANT_MIN_STEPS)
    .flatMap(([, values]) => values);
  const byRatio: RatioBand[] = [];
  for (let steps = 1; steps <= 5; steps++) {
    byRatio.push({
      steps,
      sameRatioMeanTau: finiteMean(sameRatio.get(steps) ?? []),
      oppositeRatioMeanTau: finiteMean(oppositeRatio.get(steps) ?? []),
    });
  }

  const bestClassBySetting = columns.map((values) => {
    let best = -1;
    for (let row = 0; row < values.length; row++) {
      if (!Number.isFinite(values[row])) continue;
      if (best < 0 || values[row] > values[best]) best = row;
    }
    return best < 0 ? -1 : table.classIds[best];
  });

  return {
    label: table.label,
    tau,
    minCommonArchitectures: Number.isFinite(minCommon) ? minCommon : 0,
    byDistance,
    neighbouringMeanTau: finiteMean(distanceGroups.get(1) ?? []),
    distantMeanTau: finiteMean(distant),
    overallMeanTau: finiteMean(all),
    lowest,
    byRatio,
    bestClassBySetting,
    distinctBestArchitectures: new Set(bestClassBySetting.filter((id) => id >= 0)).size,
  };
}

/** Agreement of the architecture rankings between seeds at the same setting (the noise ceiling). */
export interface SeedAgreement {
  /** Seeds compared. */
  seeds: number[];
  /** Per setting, mean τ over the pairs of seeds; NaN where undefined. */
  perSetting: number[];
  /** Mean over the settings. */
  meanTau: number;
  /**
   * Run-to-run noise: the sample standard deviation over seeds of one configuration's value,
   * averaged over the configurations with at least two seeds, percent points.
   */
  meanSeedStd: number;
}

/**
 * Kendall τ between the rankings two seeds give at the same setting, averaged over seed pairs:
 * how far apart two settings' rankings can be from training noise alone. Null below two seeds.
 */
export function seedAgreement(bySeed: SettingTable[], seeds: number[]): SeedAgreement | null {
  if (bySeed.length < 2) return null;
  const classIds = [...new Set(bySeed.flatMap((table) => [...table.classIds]))].sort(
    (a, b) => a - b,
  );
  const perSetting: number[] = [];
  const stds: number[] = [];
  for (let setting = 0; setting < SETTING_COUNT; setting++) {
    const columns = bySeed.map((table) => alignedColumn(table, classIds, setting));
    const taus: number[] = [];
    for (let s = 0; s < columns.length; s++) {
      for (let t = s + 1; t < columns.length; t++) taus.push(pairedTau(columns[s], columns[t]).tau);
    }
    perSetting.push(finiteMean(taus));
    for (let k = 0; k < classIds.length; k++) {
      const values = columns.map((column) => column[k]).filter(Number.isFinite);
      if (values.length >= 2) stds.push(sampleStd(values));
    }
  }
  return { seeds, perSetting, meanTau: finiteMean(perSetting), meanSeedStd: finiteMean(stds) };
}

/** Column `setting` of `table` laid out in the order of `classIds` (NaN for classes it lacks). */
function alignedColumn(table: SettingTable, classIds: number[], setting: number): Float64Array {
  const rowOf = new Map<number, number>();
  table.classIds.forEach((id, row) => {
    rowOf.set(id, row);
  });
  return Float64Array.from(classIds, (id) => {
    const row = rowOf.get(id);
    return row === undefined ? Number.NaN : table.values[row * SETTING_COUNT + setting];
  });
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

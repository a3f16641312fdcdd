import { spearmanRho } from '../rank-statistics.js';
import { finiteMean } from './distribution.js';
import { kendallTauFast } from './kendall-fast.js';
import { SETTING_COUNT, type SettingTable } from './setting-table.js';

/** How many of the short schedule's best configurations a re-evaluation would train long, 10. */
export const PROXY_TOP_K = 10;

/** Bins per axis of the short × long density, 40. */
export const PROXY_DENSITY_BINS = 40;

/** Counts of configurations on a grid of (short, long) value bins, for a density plot. */
export interface ProxyDensity {
  /** Bins per axis. */
  bins: number;
  /** Lowest and highest short value, percent (the outer bin edges). */
  shortRange: [number, number];
  /** Lowest and highest long value, percent. */
  longRange: [number, number];
  /** bins × bins counts, row-major by short bin then long bin. */
  counts: number[];
}

/** A configuration picked by the proxy with its values under both schedules. */
export interface ProxyPick {
  /** Class id 0..1010. */
  classId: number;
  /** Setting 0..47. */
  setting: number;
  /** Short-schedule value, percent. */
  shortAccuracy: number;
  /** Long-schedule value, percent. */
  longAccuracy: number;
}

/** How well the short schedule ranks configurations by their long-schedule accuracy. */
export interface ProxyQuality {
  /** Labels of the two tables. */
  shortLabel: string;
  longLabel: string;
  /** Configurations (class × setting) with both values. */
  configurations: number;
  /** Kendall τ-b between short and long values over those configurations. */
  kendallTau: number;
  /** Spearman ρ over the same. */
  spearmanRho: number;
  /** The configuration with the best short value. */
  shortBest: ProxyPick;
  /** The configuration with the best long value. */
  longBest: ProxyPick;
  /** Long accuracy lost by picking the short-schedule best, percent points ≥ 0. */
  regret: number;
  /** Share 0..1 of configurations with a long value above the short-schedule pick's. */
  shortBestLongRankShare: number;
  /** Regret of training the PROXY_TOP_K short-best configurations long and keeping the best. */
  topKRegret: number;
  /** Mean over the 48 settings of τ between short and long architecture rankings at that setting. */
  meanWithinSettingTau: number;
  /** Density of (short, long) values. */
  density: ProxyDensity;
}

/** Bins values into a bins × bins grid spanning their ranges. */
function densityOf(shortValues: number[], longValues: number[]): ProxyDensity {
  const bins = PROXY_DENSITY_BINS;
  const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  const shortRange = range(shortValues);
  const longRange = range(longValues);
  const binOf = (value: number, [low, high]: [number, number]) =>
    high > low ? Math.min(bins - 1, Math.floor(((value - low) / (high - low)) * bins)) : 0;
  const counts = new Array<number>(bins * bins).fill(0);
  shortValues.forEach((value, i) => {
    counts[binOf(value, shortRange) * bins + binOf(longValues[i], longRange)]++;
  });
  return { bins, shortRange, longRange, counts };
}

/**
 * Compares a short-schedule table with a long-schedule table over the configurations that have
 * both values (matched by class id). Null below three such configurations.
 */
export function proxyQuality(short: SettingTable, long: SettingTable): ProxyQuality | null {
  const longRowOf = new Map<number, number>();
  long.classIds.forEach((id, row) => {
    longRowOf.set(id, row);
  });

  const shortValues: number[] = [];
  const longValues: number[] = [];
  const picks: { classId: number; setting: number }[] = [];
  const perSetting = Array.from({ length: SETTING_COUNT }, () => ({
    s: [] as number[],
    l: [] as number[],
  }));
  short.classIds.forEach((classId, row) => {
    const longRow = longRowOf.get(classId);
    if (longRow === undefined) return;
    for (let setting = 0; setting < SETTING_COUNT; setting++) {
      const s = short.values[row * SETTING_COUNT + setting];
      const l = long.values[longRow * SETTING_COUNT + setting];
      if (!Number.isFinite(s) || !Number.isFinite(l)) continue;
      shortValues.push(s);
      longValues.push(l);
      picks.push({ classId, setting });
      perSetting[setting].s.push(s);
      perSetting[setting].l.push(l);
    }
  });
  const n = shortValues.length;
  if (n < 3) return null;

  // Best short value first; ties broken by the better long value would flatter the proxy, so
  // they are broken by position (class id, then setting) instead.
  const byShort = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => shortValues[y] - shortValues[x] || x - y,
  );
  let longBestIndex = 0;
  for (let i = 1; i < n; i++) if (longValues[i] > longValues[longBestIndex]) longBestIndex = i;
  const pick = (i: number): ProxyPick => ({
    ...picks[i],
    shortAccuracy: shortValues[i],
    longAccuracy: longValues[i],
  });

  const shortBestIndex = byShort[0];
  const bestLong = longValues[longBestIndex];
  const pickedLong = longValues[shortBestIndex];
  const above = longValues.filter((value) => value > pickedLong).length;
  const topK = byShort.slice(0, Math.min(PROXY_TOP_K, n));
  const topKBest = Math.max(...topK.map((i) => longValues[i]));

  const withinSetting = perSetting
    .filter((pair) => pair.s.length >= 3)
    .map((pair) => kendallTauFast(pair.s, pair.l));

  return {
    shortLabel: short.label,
    longLabel: long.label,
    configurations: n,
    kendallTau: kendallTauFast(shortValues, longValues),
    spearmanRho: spearmanRho(shortValues, longValues),
    shortBest: pick(shortBestIndex),
    longBest: pick(longBestIndex),
    regret: bestLong - pickedLong,
    shortBestLongRankShare: above / n,
    topKRegret: bestLong - topKBest,
    meanWithinSettingTau: finiteMean(withinSetting),
    density: densityOf(shortValues, longValues),
  };
}

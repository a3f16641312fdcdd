import {
  type Benchmark,
  type BenchmarkSettingTables,
  benchmarkSettingTables,
  kendallTau,
  SETTING_COUNT,
  type SettingTable,
  settingAt,
  type ValueSelection,
} from '@nashpobench2/dataset';
import { cellClasses, configIndex } from '@nashpobench2/search-space';

const tablesCache = new WeakMap<Benchmark, Map<ValueSelection, BenchmarkSettingTables>>();

/**
 * The dataset package's per-class tables of a benchmark, computed once per benchmark and
 * selection ('all' values, or only 'measured' ones with predicted values left out).
 */
export function settingTables(
  benchmark: Benchmark,
  selection: ValueSelection = 'all',
): BenchmarkSettingTables {
  let bySelection = tablesCache.get(benchmark);
  if (!bySelection) {
    bySelection = new Map();
    tablesCache.set(benchmark, bySelection);
  }
  let tables = bySelection.get(selection);
  if (!tables) {
    tables = benchmarkSettingTables(benchmark, selection);
    bySelection.set(selection, tables);
  }
  return tables;
}

/** One value of a setting table with its coordinates, for charts and the top list. */
export interface TableEntry {
  /** Class id 0..1010. */
  readonly classId: number;
  /** Setting 0..47 (lrIndex × 6 + batchIndex). */
  readonly setting: number;
  /** Accuracy, percent. */
  readonly accuracyPct: number;
}

/** Every finite value of a table (one per class and setting: the distinct trainings). */
export function tableEntries(table: SettingTable): TableEntry[] {
  const entries: TableEntry[] = [];
  for (let row = 0; row < table.classIds.length; row++) {
    for (let setting = 0; setting < SETTING_COUNT; setting++) {
      const accuracyPct = table.values[row * SETTING_COUNT + setting];
      if (Number.isFinite(accuracyPct))
        entries.push({ classId: table.classIds[row], setting, accuracyPct });
    }
  }
  return entries;
}

/** A row of the top-configurations list. */
export interface TopConfiguration extends TableEntry {
  /** The class representative. */
  readonly cellCode: string;
  /** Learning rate and batch size of the setting. */
  readonly lr: number;
  readonly batchSize: number;
  /** Short-schedule test accuracy (mean over seeds), percent; NaN when absent. */
  readonly testAccuracyPct: number;
  /** Long-schedule test accuracy, percent; NaN when absent. */
  readonly longTestAccuracyPct: number;
  /** Whether the short runs were trained rather than predicted. */
  readonly measured: boolean;
  /** Whether the long-schedule value was trained rather than predicted. */
  readonly longMeasured: boolean;
}

/**
 * The `count` best (class, setting) pairs of a table, best first; ties by class id then setting.
 * With `onePerClass`, each architecture appears once, at its best setting.
 */
export function topConfigurations(
  benchmark: Benchmark,
  table: SettingTable,
  count: number,
  onePerClass = false,
): TopConfiguration[] {
  const sorted = tableEntries(table).sort(
    (a, b) => b.accuracyPct - a.accuracyPct || a.classId - b.classId || a.setting - b.setting,
  );
  const seen = new Set<number>();
  const chosen = onePerClass
    ? sorted.filter((entry) => !seen.has(entry.classId) && seen.add(entry.classId))
    : sorted;
  const epochs = benchmark.protocol.shortEpochs;
  return chosen.slice(0, count).map((entry) => {
    const cellCode = cellClasses()[entry.classId].representative;
    const { lr, batchSize } = settingAt(entry.setting);
    const index = configIndex({ cellCode, lr, batchSize });
    const present = benchmark.hasRun(index);
    return {
      ...entry,
      cellCode,
      lr,
      batchSize,
      testAccuracyPct: present ? benchmark.accuracyAt(index, 'test', epochs) : Number.NaN,
      longTestAccuracyPct: benchmark.longAccuracyAt(index),
      measured: present && benchmark.isMeasured(index),
      longMeasured: benchmark.isLongMeasured(index),
    };
  });
}

/** Accuracies of every class under two settings, and the Kendall τ-b of the two rankings. */
export interface RankingAgreement {
  /** One point per class that has both values. */
  readonly points: { classId: number; a: number; b: number }[];
  /** Kendall τ-b between the two columns; NaN below 3 common classes. */
  readonly tau: number;
}

/** How the architecture rankings under settings `a` and `b` (0..47) agree. */
export function rankingAgreement(table: SettingTable, a: number, b: number): RankingAgreement {
  const points: RankingAgreement['points'] = [];
  for (let row = 0; row < table.classIds.length; row++) {
    const x = table.values[row * SETTING_COUNT + a];
    const y = table.values[row * SETTING_COUNT + b];
    if (Number.isFinite(x) && Number.isFinite(y))
      points.push({ classId: table.classIds[row], a: x, b: y });
  }
  const tau =
    points.length < 3
      ? Number.NaN
      : kendallTau(
          points.map((p) => p.a),
          points.map((p) => p.b),
        );
  return { points, tau };
}

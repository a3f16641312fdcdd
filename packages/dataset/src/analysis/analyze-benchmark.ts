import type { Benchmark } from '../benchmark.js';
import { type BestSettings, bestSettings } from './best-settings.js';
import { type ClaimVerdict, judgeClaims } from './claims.js';
import {
  DEFAULT_TOP_ARCHITECTURES,
  type LrBatchRelation,
  lrBatchRelation,
} from './lr-batch-relation.js';
import { type OptimizationGap, optimizationGap } from './optimization-gap.js';
import { type ProxyQuality, proxyQuality } from './proxy-quality.js';
import {
  type SeedAgreement,
  type SettingCorrelation,
  seedAgreement,
  settingCorrelation,
} from './setting-correlation.js';
import {
  type BenchmarkSettingTables,
  benchmarkSettingTables,
  completeRows,
  type SettingTable,
} from './setting-table.js';

/** Every analysis of one table (one schedule, all or only measured values). */
export interface TableAnalysis {
  /** Label of the table, for example `'12-epoch valid accuracy'`. */
  label: string;
  /** `'all'` values, or `'measured'` only (predicted values left out). */
  selection: 'all' | 'measured';
  /** Architectures with at least one value. */
  architectures: number;
  /** Architectures with all 48 values (used by the exhaustive analyses). */
  completeArchitectures: number;
  /** Values present (finite) in the table. */
  values: number;
  /** Rank agreement between the 48 settings. */
  correlation: SettingCorrelation;
  /** Per-architecture best settings; null without complete architectures. */
  bestSettings: BestSettings | null;
  /** Joint vs sequential optimization; null without complete architectures. */
  gap: OptimizationGap | null;
  /** The lr / batch-size relation of the top architectures; null without complete ones. */
  lrBatch: LrBatchRelation | null;
}

/** Where the analysed numbers came from. */
export interface AnalysedBenchmark {
  /** Protocol name, for example `'paper'`. */
  protocol: string;
  /** Short and long schedules, epochs. */
  shortEpochs: number;
  longEpochs: number;
  /** Seeds of the short runs. */
  seeds: number[];
  /** Provenance source text of the benchmark. */
  source: string;
  /** Where the protocol's images came from, for example `'cifar-10-binary'`. */
  dataSource: string;
  /** True when the protocol, data source or provenance names the benchmark synthetic. */
  synthetic: boolean;
}

/** The whole analysis of a benchmark (SPEC section 7's findings), plain data for JSON. */
export interface BenchmarkAnalysis {
  /** What was analysed. */
  benchmark: AnalysedBenchmark;
  /** Short schedule, every value (measured or predicted). */
  short: TableAnalysis;
  /** Short schedule, measured values only; null when none are predicted or none measured. */
  shortMeasured: TableAnalysis | null;
  /** Long schedule, every value; null when the benchmark has no long values. */
  long: TableAnalysis | null;
  /** Long schedule, measured values only; null when none are predicted or none measured. */
  longMeasured: TableAnalysis | null;
  /** Seed-to-seed agreement of the short rankings (noise ceiling); null below two seeds. */
  seedAgreement: SeedAgreement | null;
  /** Short schedule as a proxy of the long one, every value; null without long values. */
  proxy: ProxyQuality | null;
  /** The same over measured long values only; null when none are predicted or none measured. */
  proxyMeasured: ProxyQuality | null;
  /**
   * Joint vs sequential under the benchmark's protocol: every choice made on short valid
   * accuracy, scored by long test accuracy (every long value); null without long values.
   */
  protocolGap: OptimizationGap | null;
  /** The same scored by measured long values only; null when there is no measured-only table. */
  protocolGapMeasured: OptimizationGap | null;
  /** Plain verdicts on the paper's claims. */
  claims: ClaimVerdict[];
}

/** Options of the analysis. */
export interface AnalyzeOptions {
  /** Top architectures for the lr / batch-size relation, integer ≥ 1; default 10. */
  top?: number;
  /** Called after each step with its name and the number of steps done and in all. */
  onStep?: (step: string, done: number, total: number) => void;
}

function countFinite(table: SettingTable): number {
  let count = 0;
  for (const value of table.values) if (Number.isFinite(value)) count++;
  return count;
}

/** Runs every analysis on one table. */
export function analyzeTable(
  table: SettingTable,
  selection: 'all' | 'measured',
  top: number = DEFAULT_TOP_ARCHITECTURES,
): TableAnalysis {
  return {
    label: table.label,
    selection,
    architectures: table.classIds.length,
    completeArchitectures: completeRows(table).length,
    values: countFinite(table),
    correlation: settingCorrelation(table),
    bestSettings: bestSettings(table),
    gap: optimizationGap(table),
    lrBatch: lrBatchRelation(table, top),
  };
}

/** The measured-only table when it is non-empty and differs from the full one, else null. */
function measuredVariant(all: SettingTable, measured: SettingTable): SettingTable | null {
  const kept = countFinite(measured);
  return kept === 0 || kept === countFinite(all) ? null : measured;
}

/**
 * Analyses tables already read from a benchmark (`all` with every value, `measured` with
 * predicted values dropped); the pure core of `analyzeBenchmark`.
 */
export function analyzeTables(
  benchmark: AnalysedBenchmark,
  all: BenchmarkSettingTables,
  measured: BenchmarkSettingTables,
  options: AnalyzeOptions = {},
): BenchmarkAnalysis {
  const top = options.top ?? DEFAULT_TOP_ARCHITECTURES;
  const shortMeasuredTable = measuredVariant(all.shortValid, measured.shortValid);
  const hasLong = countFinite(all.long) > 0;
  const longMeasuredTable = hasLong ? measuredVariant(all.long, measured.long) : null;

  const steps: [string, () => unknown][] = [];
  const result: Partial<BenchmarkAnalysis> = { benchmark };
  steps.push(['short', () => (result.short = analyzeTable(all.shortValid, 'all', top))]);
  steps.push([
    'short, measured',
    () => {
      result.shortMeasured = shortMeasuredTable
        ? analyzeTable(shortMeasuredTable, 'measured', top)
        : null;
    },
  ]);
  steps.push(['long', () => (result.long = hasLong ? analyzeTable(all.long, 'all', top) : null)]);
  steps.push([
    'long, measured',
    () => {
      result.longMeasured = longMeasuredTable
        ? analyzeTable(longMeasuredTable, 'measured', top)
        : null;
    },
  ]);
  steps.push([
    'seeds',
    () => (result.seedAgreement = seedAgreement(all.shortValidBySeed, all.seeds)),
  ]);
  steps.push([
    'proxy',
    () => {
      result.proxy = hasLong ? proxyQuality(all.shortValid, all.long) : null;
      result.proxyMeasured = longMeasuredTable
        ? proxyQuality(all.shortValid, longMeasuredTable)
        : null;
      result.protocolGap = hasLong ? optimizationGap(all.shortValid, all.long) : null;
      result.protocolGapMeasured = longMeasuredTable
        ? optimizationGap(all.shortValid, longMeasuredTable)
        : null;
    },
  ]);

  steps.forEach(([name, run], k) => {
    run();
    options.onStep?.(name, k + 1, steps.length);
  });
  const analysis = result as BenchmarkAnalysis;
  analysis.claims = judgeClaims(analysis);
  return analysis;
}

/** Reads a benchmark's tables and runs every analysis (about 4.5 s on the full grid, 2-core container). */
export function analyzeBenchmark(
  benchmark: Benchmark,
  options: AnalyzeOptions = {},
): BenchmarkAnalysis {
  const protocol = benchmark.protocol;
  const source = String(benchmark.metadata.provenance?.source ?? 'unknown');
  const dataSource = String(protocol.dataSource ?? 'unknown');
  const described: AnalysedBenchmark = {
    protocol: protocol.name,
    shortEpochs: protocol.shortEpochs,
    longEpochs: protocol.longEpochs,
    seeds: [...benchmark.seeds],
    source,
    dataSource,
    synthetic: /synthetic/i.test(`${protocol.name} ${dataSource} ${source}`),
  };
  const all = benchmarkSettingTables(benchmark, 'all');
  const measured = benchmarkSettingTables(benchmark, 'measured');
  return analyzeTables(described, all, measured, options);
}

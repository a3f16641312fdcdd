import { cellClasses } from '@nashpobench2/search-space';
import { argmax, type DistributionSummary, summarize } from './distribution.js';
import {
  completeRows,
  rowValues,
  SETTING_COUNT,
  type SettingTable,
  selectRows,
} from './setting-table.js';

/** Most alternation rounds of coordinate ascent before it is stopped, 100 (it converges fast). */
const MAX_ROUNDS = 100;

/** One configuration of the table: architecture class and setting, with its value. */
export interface TableOptimum {
  /** Class id 0..1010. */
  classId: number;
  /** Setting 0..47. */
  setting: number;
  /** Accuracy, percent (the score table's value when selection and score differ). */
  accuracy: number;
}

/** Gaps (joint choice minus what a strategy reaches, percent points) over its starts. */
export interface StrategyGap {
  /** Short name, for example `'hpo-then-nas'`. */
  name: string;
  /** One sentence saying what the strategy does and what it starts from. */
  description: string;
  /** What the starts range over: `'architecture'` (every class) or `'setting'` (all 48). */
  startsOver: 'architecture' | 'setting';
  /**
   * Gap of each start, percent points, in start order; ≥ 0 when selection and score are the same
   * table, and negative where a sequential choice happens to score better than the joint one.
   */
  gaps: number[];
  /** Summary of `gaps`, each start counted once; shareZero: share reaching the joint choice. */
  summary: DistributionSummary;
  /**
   * The same with the starting architecture drawn uniformly from the cell codes (each class
   * weighted by its number of codes, as a random cell of the paper's two-stage baseline); equal
   * to `summary` for starts over settings.
   */
  summaryByCellCode: DistributionSummary;
}

/** Joint against sequential optimization, computed exhaustively on one table. */
export interface OptimizationGap {
  /** Label of the table every choice is made on. */
  label: string;
  /** Label of the table the choices are scored by (the same as `label` unless given apart). */
  scoreLabel: string;
  /** Architectures used (all 48 values present, in both tables). */
  architectures: number;
  /** Cell codes of those architectures (the population of `summaryByCellCode`), ≤ 4,096. */
  cellCodes: number;
  /** The best configuration overall (joint optimization). */
  joint: TableOptimum;
  /** Setting with the best mean accuracy over architectures (the best fixed hyperparameters). */
  bestFixedSetting: number;
  /** The best architecture under the best fixed hyperparameters. */
  nasAtBestFixedSetting: TableOptimum;
  /** Joint minus nasAtBestFixedSetting, percent points. */
  gapAtBestFixedSetting: number;
  /** The strategies, each over every starting choice. */
  strategies: StrategyGap[];
}

/** A configuration as (row of the table restricted to complete architectures, setting). */
type Choice = [row: number, setting: number];

/**
 * Exhaustive joint vs sequential optimization on a table: the joint optimum against (a) NAS
 * under the best fixed setting, and, over every starting choice, (b) HPO alone for a fixed
 * architecture, (c) NAS alone under a fixed setting, (d) HPO then NAS from an architecture,
 * (e) NAS then HPO from a setting, (f) alternating HPO and NAS from an architecture until nothing
 * changes. Each stage picks the exact best on `table` (first on ties).
 *
 * With `score`, every choice is still made on `table` but valued by `score` (rows matched by
 * class id): the benchmark's protocol, searching on 12-epoch valid accuracy and reporting
 * 200-epoch test accuracy. Null when no architecture is complete (in both tables).
 */
export function optimizationGap(table: SettingTable, score?: SettingTable): OptimizationGap | null {
  const scoreRowOf = new Map<number, number>();
  const scoreComplete = score ? completeRows(score) : [];
  if (score) {
    for (const row of scoreComplete) scoreRowOf.set(score.classIds[row], row);
  }
  const usable = completeRows(table).filter((row) => !score || scoreRowOf.has(table.classIds[row]));
  const complete = selectRows(table, usable);
  const n = complete.classIds.length;
  if (n === 0) return null;
  const value = (row: number, setting: number) => complete.values[row * SETTING_COUNT + setting];
  const scored = score
    ? selectRows(
        score,
        Array.from(complete.classIds, (id) => scoreRowOf.get(id) ?? -1),
      )
    : complete;
  const scoreOf = ([row, setting]: Choice) => scored.values[row * SETTING_COUNT + setting];

  const bestSettingOfRow = Array.from({ length: n }, (_, row) => argmax(rowValues(complete, row)));
  const bestRowOfSetting = Array.from({ length: SETTING_COUNT }, (_, setting) =>
    argmax(Float64Array.from({ length: n }, (_, row) => value(row, setting))),
  );

  const jointRow = argmax(
    Float64Array.from({ length: n }, (_, row) => value(row, bestSettingOfRow[row])),
  );
  const joint: Choice = [jointRow, bestSettingOfRow[jointRow]];
  const optimum = scoreOf(joint);
  const at = (choice: Choice): TableOptimum => ({
    classId: complete.classIds[choice[0]],
    setting: choice[1],
    accuracy: scoreOf(choice),
  });

  const means = new Float64Array(SETTING_COUNT);
  for (let row = 0; row < n; row++) {
    for (let s = 0; s < SETTING_COUNT; s++) means[s] += value(row, s) / n;
  }
  const bestFixedSetting = argmax(means);
  const nasAtBestFixed = at([bestRowOfSetting[bestFixedSetting], bestFixedSetting]);

  const rows = Array.from({ length: n }, (_, row) => row);
  const classes = cellClasses();
  const codesOfRow = rows.map((row) => classes[complete.classIds[row]].members.length);
  const settings = Array.from({ length: SETTING_COUNT }, (_, s) => s);
  const alternate = (startRow: number): Choice => {
    let row = startRow;
    let setting = bestSettingOfRow[row];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const nextRow = bestRowOfSetting[setting];
      const nextSetting = bestSettingOfRow[nextRow];
      if (value(nextRow, nextSetting) <= value(row, setting)) break;
      row = nextRow;
      setting = nextSetting;
    }
    return [row, setting];
  };

  const strategy = (
    name: string,
    description: string,
    startsOver: StrategyGap['startsOver'],
    reached: Choice[],
  ): StrategyGap => {
    const gaps = reached.map((choice) => optimum - scoreOf(choice));
    const summary = summarize(gaps);
    const byCode =
      startsOver === 'architecture'
        ? summarize(gaps.flatMap((gap, row) => new Array<number>(codesOfRow[row]).fill(gap)))
        : summary;
    return { name, description, startsOver, gaps, summary, summaryByCellCode: byCode };
  };

  const strategies = [
    strategy(
      'hpo-only',
      'best setting for a fixed architecture (every architecture as the start)',
      'architecture',
      rows.map((row) => [row, bestSettingOfRow[row]]),
    ),
    strategy(
      'nas-only',
      'best architecture under a fixed setting (every setting as the start)',
      'setting',
      settings.map((s) => [bestRowOfSetting[s], s]),
    ),
    strategy(
      'hpo-then-nas',
      'best setting for a starting architecture, then the best architecture under that setting',
      'architecture',
      rows.map((row) => {
        const setting = bestSettingOfRow[row];
        return [bestRowOfSetting[setting], setting];
      }),
    ),
    strategy(
      'nas-then-hpo',
      'best architecture under a starting setting, then the best setting for that architecture',
      'setting',
      settings.map((s) => {
        const row = bestRowOfSetting[s];
        return [row, bestSettingOfRow[row]];
      }),
    ),
    strategy(
      'alternating',
      'HPO and NAS in turn from a starting architecture until neither step improves',
      'architecture',
      rows.map(alternate),
    ),
  ];

  return {
    label: table.label,
    scoreLabel: score ? score.label : table.label,
    architectures: n,
    cellCodes: codesOfRow.reduce((sum, codes) => sum + codes, 0),
    joint: at(joint),
    bestFixedSetting,
    nasAtBestFixedSetting: nasAtBestFixed,
    gapAtBestFixedSetting: optimum - nasAtBestFixed.accuracy,
    strategies,
  };
}

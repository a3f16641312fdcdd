import { cellClasses } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { optimizationGap } from './optimization-gap.js';
import { SETTING_COUNT, settingTable } from './setting-table.js';

/** One row per class: `peak` at setting `at`, `rest` elsewhere. */
function rowOf(peak: number, at: number, rest: number): number[] {
  return Array.from({ length: SETTING_COUNT }, (_, s) => (s === at ? peak : rest));
}

describe('optimizationGap', () => {
  // class 0 (one cell code): 90 at setting 0, 50 elsewhere;
  // class 3 (47 cell codes): 80 at setting 47, 60 elsewhere
  const codes = cellClasses()[3].members.length;
  const table = settingTable('test', [0, 3], [...rowOf(90, 0, 50), ...rowOf(80, 47, 60)]);
  const gap = optimizationGap(table)!;
  const byName = Object.fromEntries(gap.strategies.map((s) => [s.name, s]));

  it('weights starting architectures by their cell codes', () => {
    expect(cellClasses()[0].members).toHaveLength(1);
    expect(codes).toBe(47);
    expect(gap.cellCodes).toBe(48);
    // HPO then NAS: from class 0 → setting 0 → class 0 (90, gap 0); from class 3 → setting 47
    // → class 3 (80 beats 50, gap 10)
    const twoStage = byName['hpo-then-nas'];
    expect(twoStage.gaps).toEqual([0, 10]);
    expect(twoStage.summary.mean).toBe(5);
    expect(twoStage.summary.shareZero).toBe(0.5);
    // by cell code: 1 start with gap 0 and 47 with gap 10
    expect(twoStage.summaryByCellCode.count).toBe(48);
    expect(twoStage.summaryByCellCode.mean).toBeCloseTo(470 / 48, 12);
    expect(twoStage.summaryByCellCode.shareZero).toBeCloseTo(1 / 48, 12);
    expect(twoStage.summaryByCellCode.median).toBe(10);
  });

  it('leaves starts over settings unweighted', () => {
    // NAS then HPO: setting 47 → class 3 → 80 (gap 10); every other setting → class 3 (60
    // beats 50) → 80 as well, except setting 0 → class 0 → 90
    const nasThenHpo = byName['nas-then-hpo'];
    expect(nasThenHpo.summary.count).toBe(48);
    expect(nasThenHpo.summary.mean).toBeCloseTo((47 * 10) / 48, 12);
    expect(nasThenHpo.summaryByCellCode).toEqual(nasThenHpo.summary);
    // the best fixed setting has the best mean: setting 0 (70) vs 47 (65) vs the rest (55)
    expect(gap.bestFixedSetting).toBe(0);
    expect(gap.gapAtBestFixedSetting).toBe(0);
  });

  it('is null without a complete architecture', () => {
    const values = rowOf(90, 0, 50);
    values[5] = Number.NaN;
    expect(optimizationGap(settingTable('test', [0], values))).toBeNull();
  });
});

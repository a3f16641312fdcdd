import { describe, expect, it } from 'vitest';
import { bestSettings } from './best-settings.js';
import { SETTING_COUNT, settingTable } from './setting-table.js';

function rowOf(rest: number, peaks: Record<number, number>): number[] {
  return Array.from({ length: SETTING_COUNT }, (_, s) => peaks[s] ?? rest);
}

describe('bestSettings', () => {
  // class 0: 90 at setting 5, 85 at 10, 80 elsewhere; class 1: 88 at 10, 60 at 5, 70
  // elsewhere; class 2: 10 everywhere (no preferred setting)
  const table = settingTable(
    'test',
    [0, 1, 2],
    [...rowOf(80, { 5: 90, 10: 85 }), ...rowOf(70, { 10: 88, 5: 60 }), ...rowOf(10, {})],
  );
  const b = bestSettings(table)!;

  it('leaves out architectures that score the same everywhere', () => {
    expect(b.indifferentArchitectures).toBe(1);
    expect(b.classIds).toEqual([0, 1]);
    expect(b.bestSetting).toEqual([5, 10]);
    expect(b.histogram[0]).toBe(0); // a constant row would land at the first setting
    expect(b.histogram.reduce((x, y) => x + y, 0)).toBe(2);
  });

  it('compares each best with the best fixed setting and the best configuration', () => {
    // means: setting 5 (90 + 60) / 2 = 75, setting 10 (85 + 88) / 2 = 86.5, others 75
    expect(b.globalBestSetting).toBe(10);
    expect(b.bestConfigurationSetting).toBe(5);
    // class 0 loses 90 − 85 = 5 at setting 10, class 1 none
    expect(b.all.shareDifferent).toBe(0.5);
    expect(b.all.meanLossAtGlobal).toBe(2.5);
    expect(b.all.maxLossAtGlobal).toBe(5);
    // at setting 5 class 1 has 60 < 88
    expect(b.all.shareDifferentFromBestConfiguration).toBe(0.5);
    // top 10 % of two architectures by their best: class 0 (90) alone
    expect(b.top.architectures).toBe(1);
    expect(b.top.shareDifferent).toBe(1);
    expect(b.top.shareDifferentFromBestConfiguration).toBe(0);
  });

  it('is null when every complete architecture is constant', () => {
    expect(bestSettings(settingTable('test', [2], rowOf(10, {})))).toBeNull();
  });
});

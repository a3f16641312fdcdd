import { describe, expect, it } from 'vitest';
import { seedAgreement, settingCorrelation } from './setting-correlation.js';
import { SETTING_COUNT, settingTable } from './setting-table.js';

/** A table whose every setting holds `values` (one per class), except `at` → `there`. */
function tableOf(classIds: number[], values: number[], at = -1, there: number[] = []) {
  const rows = classIds.map((_, k) =>
    Array.from({ length: SETTING_COUNT }, (_, s) => (s === at ? there[k] : values[k])),
  );
  return settingTable('test', classIds, rows.flat());
}

describe('seedAgreement', () => {
  it('averages the τ between seeds over the settings', () => {
    // seed A ranks 1 < 2 < 3 everywhere; seed B swaps classes 1 and 2 at setting 0 only:
    // τ 1/3 there (one discordant pair of three), 1 at the 47 others
    const a = tableOf([0, 1, 2], [1, 2, 3]);
    const b = tableOf([0, 1, 2], [1, 2, 3], 0, [1, 3, 2]);
    const agreement = seedAgreement([a, b], [222, 555])!;
    expect(agreement.perSetting[0]).toBeCloseTo(1 / 3, 12);
    expect(agreement.perSetting[1]).toBe(1);
    expect(agreement.meanTau).toBeCloseTo((1 / 3 + 47) / 48, 12);
    // seeds differ only at setting 0, by 1 for classes 1 and 2: std of (2, 3) is √0.5; the
    // mean over 144 configurations is 2 √0.5 / 144
    expect(agreement.meanSeedStd).toBeCloseTo((2 * Math.sqrt(0.5)) / 144, 12);
  });

  it('matches classes by id, not by row', () => {
    // the same values, rows listed in another order and one class missing from the second seed
    const a = tableOf([0, 1, 2, 3], [1, 2, 3, 4]);
    const b = tableOf([3, 1, 0], [4, 2, 1]);
    expect(seedAgreement([a, b], [1, 2])!.meanTau).toBe(1);
    expect(seedAgreement([a], [1])).toBeNull();
  });
});

describe('settingCorrelation', () => {
  it('leaves τ undefined below three common architectures', () => {
    const table = tableOf([0, 1, 2], [1, 2, 3], 0, [Number.NaN, Number.NaN, 5]);
    const c = settingCorrelation(table);
    expect(c.tau[0][1]).toBeNaN();
    expect(c.tau[1][2]).toBe(1);
    expect(c.minCommonArchitectures).toBe(3);
    expect(c.bestClassBySetting[0]).toBe(2);
  });
});

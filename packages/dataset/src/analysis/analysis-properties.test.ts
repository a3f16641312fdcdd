import fc from 'fast-check';
import { describe, it } from 'vitest';
import { bestSettings } from './best-settings.js';
import { ACCURACY_EPSILON } from './distribution.js';
import { optimizationGap } from './optimization-gap.js';
import { settingCorrelation } from './setting-correlation.js';
import { SETTING_COUNT, settingTable } from './setting-table.js';

/** Small random tables: 3..8 classes, integer accuracies 0..6 so that ties are common. */
const tables = fc
  .integer({ min: 3, max: 8 })
  .chain((rows) =>
    fc.array(fc.integer({ min: 0, max: 6 }), {
      minLength: rows * SETTING_COUNT,
      maxLength: rows * SETTING_COUNT,
    }),
  )
  .map((values) =>
    settingTable(
      'random',
      Array.from({ length: values.length / SETTING_COUNT }, (_, k) => k),
      values,
    ),
  );

describe('analysis invariants on random tables', () => {
  it('orders the strategies: each added stage can only help', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const g = optimizationGap(table)!;
        const s = Object.fromEntries(g.strategies.map((x) => [x.name, x.gaps]));
        const ok = (a: number, b: number) => a <= b + ACCURACY_EPSILON;
        return (
          g.strategies.every((x) => x.gaps.every((gap) => gap >= -ACCURACY_EPSILON)) &&
          s['hpo-only'].every((gap, k) => ok(s['hpo-then-nas'][k], gap)) &&
          s['hpo-then-nas'].every((gap, k) => ok(s.alternating[k], gap)) &&
          s['nas-only'].every((gap, k) => ok(s['nas-then-hpo'][k], gap)) &&
          g.gapAtBestFixedSetting >= 0
        );
      }),
      { numRuns: 100 },
    );
  });

  it('gives a symmetric τ matrix in [−1, 1] with a unit diagonal', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const { tau } = settingCorrelation(table);
        for (let p = 0; p < SETTING_COUNT; p++) {
          if (tau[p][p] !== 1) return false;
          for (let q = 0; q < SETTING_COUNT; q++) {
            const value = tau[p][q];
            if (!Number.isNaN(value) && (value < -1 - 1e-12 || value > 1 + 1e-12)) return false;
            if (!Object.is(value, tau[q][p])) return false;
          }
        }
        return true;
      }),
      { numRuns: 50 },
    );
  });

  it('counts every non-constant architecture once in the histogram', () => {
    fc.assert(
      fc.property(tables, (table) => {
        const b = bestSettings(table);
        if (!b) return true;
        const counted = b.histogram.reduce((x, y) => x + y, 0);
        return (
          counted === b.classIds.length &&
          counted + b.indifferentArchitectures === table.classIds.length
        );
      }),
      { numRuns: 100 },
    );
  });
});

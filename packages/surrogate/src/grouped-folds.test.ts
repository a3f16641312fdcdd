import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldsOf, groupedFoldAssignment, groupedKFold } from './grouped-folds.js';

describe('grouped k-fold', () => {
  it('never puts one architecture class in both train and test (property)', () => {
    const groups = fc.array(fc.integer({ min: 0, max: 1010 }), { minLength: 2, maxLength: 300 });
    fc.assert(
      fc.property(groups, fc.integer({ min: 2, max: 10 }), fc.integer(), (rows, k, seed) => {
        fc.pre(new Set(rows).size >= 2);
        const folds = groupedKFold(rows, k, seed);
        expect(folds.length).toBe(Math.min(k, new Set(rows).size));
        const testedOnce = new Array<number>(rows.length).fill(0);
        for (const fold of folds) {
          const trainGroups = new Set(fold.train.map((i) => rows[i]));
          for (const i of fold.test) {
            expect(trainGroups.has(rows[i])).toBe(false);
            testedOnce[i]++;
          }
          expect(fold.train.length + fold.test.length).toBe(rows.length);
          expect(fold.test.length).toBeGreaterThan(0);
        }
        // Every row is held out exactly once.
        expect(testedOnce.every((count) => count === 1)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('balances rows across folds and is reproducible from the seed', () => {
    const groups = Array.from({ length: 200 }, (_, i) => i % 40); // 40 classes × 5 rows
    const assignment = groupedFoldAssignment(groups, 5, 3);
    const sizes = foldsOf(assignment).map((fold) => fold.test.length);
    expect(sizes).toEqual([40, 40, 40, 40, 40]);
    expect(groupedFoldAssignment(groups, 5, 3)).toEqual(assignment);
    expect(groupedFoldAssignment(groups, 5, 4)).not.toEqual(assignment);
  });

  it('rejects fewer than two folds or groups', () => {
    expect(() => groupedKFold([1, 2, 3], 1)).toThrow(/folds 1/);
    expect(() => groupedKFold([7, 7, 7], 3)).toThrow(/groups/);
  });
});

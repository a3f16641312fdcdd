import { describe, expect, it } from 'vitest';
import {
  accuracyTarget,
  clipToRange,
  fromModelSpace,
  positiveTarget,
  toModelSpace,
} from './target-spec.js';

describe('target specs and clipping', () => {
  it('clips accuracies to [0, 100]', () => {
    const accuracy = accuracyTarget('validAccuracy@12');
    expect(clipToRange(accuracy, -3)).toBe(0);
    expect(clipToRange(accuracy, 104.2)).toBe(100);
    expect(clipToRange(accuracy, 57.5)).toBe(57.5);
    expect(fromModelSpace(accuracy, 112, 4)).toEqual({ mean: 100, std: 4 });
    expect(fromModelSpace(accuracy, -0.5, 1)).toEqual({ mean: 0, std: 1 });
  });

  it('fits positive quantities on the log scale and maps back to the median', () => {
    const seconds = positiveTarget('trainSeconds@1');
    expect(toModelSpace(seconds, Math.E ** 2)).toBeCloseTo(2, 12);
    const back = fromModelSpace(seconds, Math.log(30), 0.1);
    expect(back.mean).toBeCloseTo(30, 12);
    expect(back.std).toBeCloseTo(3, 12);
    // Any model-space mean maps to a positive time.
    expect(fromModelSpace(seconds, -800, 1).mean).toBeGreaterThan(0);
    expect(() => toModelSpace(seconds, Number.NaN)).toThrow(/trainSeconds@1/);
  });
});

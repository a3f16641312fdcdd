import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitSeedNoise,
  fitSeedNoiseFromSpread,
  perSeedValue,
  seedDeviate,
  seedNoiseStd,
} from './seed-noise.js';
import { accuracyTarget, positiveTarget } from './target-spec.js';

const TOLERANCE = 1e-12;

describe('seed-noise model', () => {
  it('pools the seed variance with n − 1 degrees of freedom (hand values)', () => {
    const plain = { name: 'loss' };
    // Configuration A: seeds give 1 and 3 (squares about the mean: 2, df 1);
    // B: 2, 4, 6 (squares 8, df 2); C has one seed and is ignored. √(10 / 3).
    const model = fitSeedNoise([[[1], [3]], [[2], [4], [6]], [[100]]], [plain]);
    expect(model.replicates).toBe(2);
    expect(model.outputs[0].scale).toBeCloseTo(Math.sqrt(10 / 3), 12);
    expect(seedNoiseStd(model, 0, 1234)).toBeCloseTo(Math.sqrt(10 / 3), 12);
  });

  it('lets accuracy noise vanish at the bounds: std = scale · 2√(u(1 − u))', () => {
    const spec = accuracyTarget('long');
    const model = fitSeedNoiseFromSpread(
      [
        { mean: 50, std: 2, count: 3 }, // u = 0.5: shape 1, df 2
        { mean: 10, std: 0.6, count: 2 }, // u = 0.1: shape 0.36, df 1
        { mean: 70, std: 5, count: 1 }, // one seed: no spread information
      ],
      spec,
    );
    const scale = Math.sqrt((2 * 4 + 1 * 0.36) / (2 * 1 + 1 * 0.36));
    expect(model.replicates).toBe(2);
    expect(model.outputs[0].scale).toBeCloseTo(scale, 12);
    expect(seedNoiseStd(model, 0, 50)).toBeCloseTo(scale, 12);
    expect(seedNoiseStd(model, 0, 90)).toBeCloseTo(scale * 2 * Math.sqrt(0.09), 12);
    expect(seedNoiseStd(model, 0, 100)).toBe(0);
  });

  it('gives the same per-seed value for the same configuration and seed, every call', () => {
    const model = fitSeedNoiseFromSpread([{ mean: 60, std: 1.5, count: 3 }], accuracyTarget('a'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48_527 }), fc.integer(), (key, seed) => {
        const first = perSeedValue(model, 0, 60, seedDeviate(key, seed, 'long'));
        const again = perSeedValue(model, 0, 60, seedDeviate(key, seed, 'long'));
        expect(again).toBe(first);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThanOrEqual(100);
      }),
    );
    // Different seeds differ, and many seeds reproduce the modelled spread.
    const values = Array.from({ length: 4000 }, (_, seed) =>
      perSeedValue(model, 0, 60, seedDeviate(17, seed, 'long')),
    );
    expect(new Set(values).size).toBe(values.length);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    const expected = seedNoiseStd(model, 0, 60);
    expect(Math.abs(mean - 60)).toBeLessThan((4 * expected) / Math.sqrt(values.length));
    expect(Math.abs(std / expected - 1)).toBeLessThan(0.05);
  });

  it('scales log outputs multiplicatively and keeps them positive', () => {
    const spec = positiveTarget('trainSeconds@1');
    // Seeds at 10 s and 10·e^0.2 s: log values differ by 0.2, squares 0.02 → scale 0.1414.
    const model = fitSeedNoise([[[10], [10 * Math.exp(0.2)]]], [spec]);
    expect(model.outputs[0].scale).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(perSeedValue(model, 0, 10, 1)).toBeCloseTo(10 * Math.exp(Math.sqrt(0.02)), 10);
    expect(perSeedValue(model, 0, 10, -50)).toBeGreaterThan(0);
    expect(Math.abs(perSeedValue(model, 0, 10, 0) - 10)).toBeLessThan(TOLERANCE);
  });
});

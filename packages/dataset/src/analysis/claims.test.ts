import { describe, expect, it } from 'vitest';
import { plantedBenchmark } from './__fixtures__/planted-benchmark.js';
import { analyzeBenchmark } from './analyze-benchmark.js';
import { judgeClaims } from './claims.js';

const analysis = analyzeBenchmark(plantedBenchmark(), { top: 2 });
const joint = (claims: ReturnType<typeof judgeClaims>) =>
  claims.filter((c) => c.id === 'joint-beats-sequential').map((c) => c.holds);

describe('judgeClaims', () => {
  it('holds joint vs sequential to the run-to-run noise', () => {
    // planted: HPO then NAS misses by 0, 5, 5 (mean 10/3) at 12 epochs and when scored at 200
    expect(joint(analysis.claims)).toEqual([true, false, true]);
    const noisy = { ...analysis, seedAgreement: { ...analysis.seedAgreement!, meanSeedStd: 4 } };
    expect(joint(judgeClaims(noisy))).toEqual([false, false, false]);
    const quiet = { ...analysis, seedAgreement: { ...analysis.seedAgreement!, meanSeedStd: 3 } };
    expect(joint(judgeClaims(quiet))).toEqual([true, false, true]);
  });

  it('requires distant settings to agree less than two seeds do', () => {
    const rankings = (claims: ReturnType<typeof judgeClaims>) =>
      claims.find((c) => c.id === 'rankings-disagree')?.holds;
    expect(rankings(analysis.claims)).toBe(true);
    // distant τ is 169/291 ≈ 0.58 at 12 epochs: a seed-to-seed τ below it blocks the verdict
    const ceiling = { ...analysis, seedAgreement: { ...analysis.seedAgreement!, meanTau: 0.5 } };
    expect(rankings(judgeClaims(ceiling))).toBe(false);
  });

  it('states only the criteria it could apply (one seed: no seed-to-seed τ)', () => {
    const evidence = (claims: ReturnType<typeof judgeClaims>) =>
      claims.find((c) => c.id === 'rankings-disagree')?.evidence ?? '';
    expect(evidence(analysis.claims)).toContain('below the seed-to-seed τ');
    const oneSeed = { ...analysis, seedAgreement: null };
    expect(evidence(judgeClaims(oneSeed))).not.toContain('seed-to-seed');
  });

  it('names the table each verdict was judged on', () => {
    const tables = [...new Set(analysis.claims.map((c) => c.table))];
    expect(tables).toEqual([
      '12-epoch valid accuracy',
      '200-epoch test accuracy (includes predicted values)',
      '12-epoch valid accuracy → 200-epoch test accuracy (includes predicted values)',
    ]);
  });
});

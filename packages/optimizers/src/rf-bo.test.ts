import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { syntheticBenchmark } from './__fixtures__/synthetic-benchmark.js';
import { validationOracle } from './benchmark-view.js';
import { RandomSearch } from './random-search.js';
import { configurationFeatures, expectedImprovement, normalCdf, RandomForestBo } from './rf-bo.js';
import { runSearchLoop } from './search-loop.js';

const CDF_TOLERANCE = 2e-7;

describe('random-forest BO', () => {
  it('computes the normal CDF and expected improvement of reference values', () => {
    // Φ(1.96) = 0.9750021, Φ(−1) = 0.1586553, φ(0) = 0.3989423
    expect(Math.abs(normalCdf(1.96) - 0.9750021)).toBeLessThan(CDF_TOLERANCE);
    expect(Math.abs(normalCdf(-1) - 0.1586553)).toBeLessThan(CDF_TOLERANCE);
    expect(Math.abs(expectedImprovement(5, 1, 5) - 0.3989423)).toBeLessThan(CDF_TOLERANCE);
    // EI(μ − best = 1, σ = 2) = 1·Φ(0.5) + 2·φ(0.5) = 0.6914625 + 2·0.3520653
    expect(Math.abs(expectedImprovement(6, 2, 5) - 1.3955931)).toBeLessThan(1e-6);
    expect(expectedImprovement(3, 0, 5)).toBe(0);
  });

  it('encodes cell one-hot, path encoding and the two hyperparameter indices', () => {
    const features = configurationFeatures(292 * 48 + 5 * 6 + 4); // '0|10|210', lr 0.1, bs 256
    expect(features).toHaveLength(74);
    // one-hot of edge 0→1 = op 0 (convolution)
    expect([...features.subarray(0, 4)]).toEqual([1, 0, 0, 0]);
    expect([features[72], features[73]]).toEqual([5, 4]);
  });

  it('finds better configurations than random search with the same evaluations', () => {
    const bench = syntheticBenchmark();
    const oracle = validationOracle(bench, 222);
    const settings = {
      trees: 10,
      minSamplesLeaf: 3,
      maxFeaturesFraction: 5 / 6,
      maxDepth: 20,
      startupTrials: 10,
      randomCandidates: 200,
      localCandidates: 5,
      refitGrowth: 0.05,
      epochs: 12,
    };
    let wins = 0;
    for (let seed = 0; seed < 5; seed++) {
      const limit = { budgetSeconds: Number.POSITIVE_INFINITY, maxEvaluations: 60 };
      const bo = runSearchLoop(oracle, new RandomForestBo(createRng(seed), settings), limit);
      const rs = runSearchLoop(oracle, new RandomSearch(createRng(seed), 12), limit);
      if (Math.max(...bo.validAccuracyPct) > Math.max(...rs.validAccuracyPct)) wins++;
    }
    expect(wins).toBeGreaterThanOrEqual(4);
  });
});

import { createRng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { decodeIndex, encodeComponents } from './components.js';
import type { Observation } from './optimizer.js';
import { Reinforce } from './reinforce.js';

const TOLERANCE = 1e-12;
const observe = (index: number, validAccuracyPct: number): Observation => ({
  index,
  epochs: 12,
  validAccuracyPct,
  costSeconds: 1,
  finishedAtSeconds: 0,
});

describe('Reinforce', () => {
  const settings = { learningRate: 0.01, baselineMomentum: 0.9, initialLogitStd: 0, epochs: 12 };

  it('starts uniform; the first reward equals the baseline and changes nothing', () => {
    const policy = new Reinforce(createRng(0), settings);
    expect(policy.probabilities()[6][3]).toBeCloseTo(1 / 8, 15);
    policy.tell(observe(encodeComponents([0, 0, 0, 0, 0, 0, 0, 0]), 50));
    expect(policy.probabilities()[0][0]).toBeCloseTo(0.25, 15);
  });

  it('takes the Adam step a hand computation gives, towards the rewarded choice', () => {
    const policy = new Reinforce(createRng(0), settings);
    const config = encodeComponents([1, 1, 1, 1, 1, 1, 2, 3]);
    policy.tell(observe(config, 50));
    policy.tell(observe(config, 80));

    // baseline (bias-corrected EMA, momentum 0.9) of rewards 50, 80 (percent, as the authors)
    const baseline = (0.9 * 0.1 * 50 + 0.1 * 80) / (0.9 * 0.1 + 0.1);
    const advantage = 80 - baseline;
    // edge component, uniform p = 1/4: gradient chosen = A(p − 1), others A·p
    const gChosen = advantage * (0.25 - 1);
    // Adam step t = 2 with a zero gradient at t = 1: m = 0.1 g, v = 0.001 g²
    const step = (g: number) =>
      (0.1 * g) / (1 - 0.9 ** 2) / (Math.sqrt((0.001 * g * g) / (1 - 0.999 ** 2)) + 1e-8);
    const logitChosen = -0.01 * step(gChosen);
    const logitOther = -0.01 * step(advantage * 0.25);
    const z = Math.exp(logitChosen) + 3 * Math.exp(logitOther);
    const expected = Math.exp(logitChosen) / z;
    const probabilities = policy.probabilities();
    expect(Math.abs(probabilities[0][1] - expected)).toBeLessThan(TOLERANCE);
    expect(probabilities[0][1]).toBeGreaterThan(0.25);
  });

  it('concentrates on rewarded choices over many steps', () => {
    const policy = new Reinforce(createRng(5), { ...settings, initialLogitStd: 0.001 });
    for (let step = 0; step < 400; step++) {
      const proposal = policy.ask();
      const values = decodeIndex(proposal.index);
      // reward: +40 points when edge 0 is a convolution and lr index 5
      const reward = 40 + (values[0] === 0 ? 20 : 0) + (values[6] === 5 ? 20 : 0);
      policy.tell(observe(proposal.index, reward));
    }
    const probabilities = policy.probabilities();
    expect(probabilities[0][0]).toBeGreaterThan(0.5);
    expect(probabilities[6][5]).toBeGreaterThan(0.4);
  });
});

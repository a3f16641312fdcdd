import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

describe('nhb optimizers', () => {
  it('lists every optimizer with its settings as JSON', async () => {
    const io = recordingIO();
    expect(await main(['optimizers', '--json'], io)).toBe(0);
    const list = JSON.parse(io.stdout.join(''));
    const ids = list.map((entry: { id: string }) => entry.id);
    expect(ids.slice(0, 6)).toEqual([
      'random-search',
      'regularized-evolution',
      'reinforce',
      'bohb',
      'rs-then-rea',
      'bohb-then-rea',
    ]);
    expect(ids).toEqual(expect.arrayContaining(['hyperband', 'successive-halving', 'tpe']));
    const bohb = list.find((entry: { id: string }) => entry.id === 'bohb');
    expect(bohb.settings).toMatchObject({
      eta: 3,
      minEpochs: 1,
      maxEpochs: 12,
      iterations: 40,
      numSamples: 4,
      randomFraction: 0,
      bandwidthFactor: 3,
      minBandwidth: 0.3,
    });
    const rea = list.find((entry: { id: string }) => entry.id === 'regularized-evolution');
    expect(rea.settings).toEqual({ populationSize: 10, sampleSize: 3, epochs: 12 });
  });

  it('prints a readable listing', async () => {
    const io = recordingIO();
    await main(['optimizers'], io);
    expect(io.stdout[0]).toMatch(/^random-search\s+paper\s+uniform/);
  });
});

import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

describe('nhb run', () => {
  it('rejects unknown optimizers, bad budgets, seeds and runs in one line', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['run', 'simulated-annealing'],
        /optimizer 'simulated-annealing' is not valid; allowed: random-search/,
      ],
      [['run', 'bohb', '--budget', '0'], /--budget must be seconds > 0/],
      [['run', 'bohb', '--budget', '-5'], /--budget must be seconds > 0/],
      [['run', 'bohb', '--seed', '-1'], /--seed must be an integer ≥ 0/],
      [['run', 'bohb', '--runs', '0'], /--runs must be an integer ≥ 1/],
      [['run', 'bohb', '--set', 'bohb.colour=1'], /colour/],
      [['run', 'bohb', '--query-seed', 'some'], /--query-seed/],
      [['run', 'bohb', '--data', '/nonexistent/bench.parquet'], /--data: cannot read/],
    ];
    for (const [argv, message] of cases) {
      const { status, stderr } = await run(...argv);
      expect(status).not.toBe(0);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
    }
  });

  it('runs one optimizer on the synthetic benchmark and prints its final numbers', async () => {
    const { status, stdout } = await run(
      'run',
      'regularized-evolution',
      '--data',
      'synthetic',
      '--runs',
      '4',
      '--budget',
      '10x',
      '--workers',
      '2',
      '--json',
    );
    expect(status).toBe(0);
    const summary = JSON.parse(stdout.join(''));
    expect(summary.runs).toBe(4);
    expect(summary.workers).toBe(2);
    expect(summary.seeds).toEqual([0, 1, 2, 3]);
    const [rea] = summary.optimizers;
    expect(rea.id).toBe('regularized-evolution');
    expect(rea.finalTestAccuracy12.n).toBe(4);
    expect(rea.finalTestAccuracy12.mean).toBeGreaterThan(10);
    expect(rea.finalTestAccuracy12.mean).toBeLessThanOrEqual(summary.optimumShortPct);
  });
});

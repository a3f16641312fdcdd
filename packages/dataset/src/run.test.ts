import { cellClasses, configIndex, InvalidArgumentError } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { Run } from './run.js';
import { makeSyntheticBenchmark } from './synthetic.js';

const bench = makeSyntheticBenchmark({ classes: [3, 40, 41], rngSeed: 1 });
const code = (id: number) => cellClasses()[id].representative;

describe('Run (official run log)', () => {
  it('logs short queries with cumulative cost and best so far, like the official _write_log', () => {
    const run = new Run(bench, { seed: 555 });
    const keys = [
      { cellCode: code(3), lr: 0.1, batchSize: 256 },
      { cellCode: code(40), lr: 0.003125, batchSize: 16 },
      { cellCode: code(41), lr: 0.05, batchSize: 64 },
    ];
    const answers = keys.map((key) => bench.query(key, { seed: 555 }));
    for (const key of keys) run.query(key);
    run.query(keys[0], { epoch: 200 }); // answered, not logged

    const result = run.results();
    const costs = answers.map((a) => a.cost as number);
    expect(result.queries).toBe(3);
    expect(result.transitions.map((t) => t.totalCost)).toEqual([
      costs[0],
      costs[0] + costs[1],
      costs[0] + costs[1] + costs[2],
    ]);

    let best = 0;
    answers.forEach((a, i) => {
      if (a.accuracy > answers[best].accuracy) best = i;
      expect(result.transitions[i].bestAccuracy).toBe(answers[best].accuracy);
    });
    expect(result.bestKey).toEqual(keys[best]);
    expect(result.bestValidAccuracy).toBe(answers[best].accuracy);
    expect(result.testAccuracy12).toBe(
      bench.query(keys[best], { mode: 'test', seed: 555 }).accuracy,
    );
    expect(result.testAccuracy200).toBe(bench.query(keys[best], { epoch: 200 }).accuracy);
    expect(result.totalCost).toBeCloseTo(costs[0] + costs[1] + costs[2], 9);
  });

  it('keeps the first of equal accuracies and supports queries by index', () => {
    const run = new Run(bench);
    const key = { cellCode: code(40), lr: 0.1, batchSize: 32 };
    run.queryAt(configIndex(key));
    const equivalent = cellClasses()[40].members.at(-1)!;
    run.query({ ...key, cellCode: equivalent });
    expect(run.results().bestKey).toEqual(key);
    expect(run.queryCount).toBe(2);
  });

  it('reports an empty run with NaN and rejects unknown seeds', () => {
    const result = new Run(bench).results();
    expect(result.bestKey).toBeNull();
    expect(result.testAccuracy12).toBeNaN();
    expect(() => new Run(bench, { seed: 1 })).toThrow(InvalidArgumentError);
  });
});

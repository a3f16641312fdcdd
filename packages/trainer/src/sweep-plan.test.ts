import { BATCH_SIZES, cellClassOf, LEARNING_RATES } from '@nashpobench2/search-space';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseShard,
  planSweep,
  resolveCells,
  shardFromEnvironment,
  shardTasks,
  sweepUnits,
  taskKey,
} from './sweep-plan.js';

describe('planSweep', () => {
  it('crosses cells × the 48-point grid × seeds in the official order', () => {
    const tasks = planSweep({ cells: ['0|10|210', '2|22|222'] });
    expect(tasks.length).toBe(2 * 48 * 3);
    expect(tasks[0]).toEqual({ cellCode: '0|10|210', lr: 0.003125, batchSize: 16, seed: 222 });
    expect(tasks[3]).toEqual({ cellCode: '0|10|210', lr: 0.003125, batchSize: 32, seed: 222 });
    expect(tasks[3 * 6]).toMatchObject({ lr: LEARNING_RATES[1], batchSize: BATCH_SIZES[0] });
    expect(new Set(tasks.map(taskKey)).size).toBe(tasks.length);
  });

  it("takes the authors' 1,011 representatives for 'unique' and 'all'", () => {
    const cells = resolveCells('unique');
    expect(cells.length).toBe(1011);
    expect(new Set(cells.map((c) => cellClassOf(c).id)).size).toBe(1011);
    expect(resolveCells('all')).toEqual(cells);
  });

  it('rejects two codes of one class, values off the grid and repeats', () => {
    expect(() => resolveCells(['0|00|333', '3|33|333'])).toThrow(/same network as '0\|00\|333'/);
    expect(() => planSweep({ cells: ['0|00|000'], learningRates: [0.3] })).toThrow(
      /lr 0\.3 is not valid; allowed: 0\.003125/,
    );
    expect(() => planSweep({ cells: ['0|00|000'], batchSizes: [100] })).toThrow(/batchSize 100/);
    expect(() => planSweep({ cells: ['0|00|000'], seeds: [1, 1] })).toThrow(/repeated/);
    expect(() => planSweep({ cells: ['0|0|000'] })).toThrow(/cell code/);
  });
});

describe('shardTasks', () => {
  it('partitions any sweep: the union of the shards is the sweep, without overlap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (size, count) => {
          const tasks = Array.from({ length: size }, (_, i) => i);
          const shards = Array.from({ length: count }, (_, index) =>
            shardTasks(tasks, { index, count }),
          );
          const union = shards.flat().sort((a, b) => a - b);
          expect(union).toEqual(tasks);
          const sizes = shards.map((s) => s.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expect(shardTasks(tasks, { index: count - 1, count })).toEqual(shards[count - 1]);
        },
      ),
    );
  });

  it('rejects an index outside the shard count', () => {
    expect(() => shardTasks([1, 2], { index: 2, count: 2 })).toThrow(
      /shard index 2 is not valid; allowed: integers 0..1/,
    );
  });
});

describe('parseShard', () => {
  it("reads 1-based 'i/N'", () => {
    expect(parseShard('1/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard('4/4')).toEqual({ index: 3, count: 4 });
    expect(() => parseShard('0/4')).toThrow(/'i\/N' with 1 ≤ i ≤ N/);
    expect(() => parseShard('5/4')).toThrow(/shard '5\/4'/);
    expect(() => parseShard('a')).toThrow(/shard 'a'/);
  });
});

describe('shardFromEnvironment', () => {
  it('reads Slurm arrays with their range and step', () => {
    const env = { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '10' };
    expect(shardFromEnvironment(env)).toEqual({
      index: 6,
      count: 10,
      source: 'SLURM_ARRAY_TASK_ID',
    });
    const stepped = {
      SLURM_ARRAY_TASK_ID: '4',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '8',
      SLURM_ARRAY_TASK_STEP: '2',
    };
    expect(shardFromEnvironment(stepped)).toMatchObject({ index: 2, count: 5 });
    expect(
      shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '5' }),
    ).toMatchObject({ index: 3, count: 5 });
  });

  it('reads SGE (1-based), PBS and Kubernetes indexed jobs (count from the caller)', () => {
    expect(
      shardFromEnvironment({ SGE_TASK_ID: '1', SGE_TASK_FIRST: '1', SGE_TASK_LAST: '3' }),
    ).toEqual({ index: 0, count: 3, source: 'SGE_TASK_ID' });
    expect(shardFromEnvironment({ SGE_TASK_ID: 'undefined' })).toBeNull();
    expect(shardFromEnvironment({ PBS_ARRAYID: '2' }, 4)).toMatchObject({ index: 2, count: 4 });
    expect(shardFromEnvironment({ PBS_ARRAY_INDEX: '2' }, 4, 1)).toMatchObject({
      index: 1,
      count: 4,
    });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 8)).toEqual({
      index: 0,
      count: 8,
      source: 'JOB_COMPLETION_INDEX',
    });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' })).toThrow(/--shard-count/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '8' }, 8)).toThrow(
      /array indices 0..7 for 8 tasks/,
    );
    expect(shardFromEnvironment({ HOME: '/root' })).toBeNull();
  });

  it('gives every array task a distinct shard that together cover the sweep', () => {
    const tasks = planSweep({ cells: ['0|10|210'], seeds: [1] });
    const covered = Array.from({ length: 5 }, (_, id) => {
      const shard = shardFromEnvironment({
        SLURM_ARRAY_TASK_ID: String(id + 1),
        SLURM_ARRAY_TASK_MIN: '1',
        SLURM_ARRAY_TASK_MAX: '5',
      });
      return shardTasks(tasks, shard as { index: number; count: number });
    });
    expect(covered.flat().map(taskKey).sort()).toEqual(tasks.map(taskKey).sort());
  });
});

describe('sweepUnits', () => {
  it('keeps short runs apart and groups the seeds of a configuration for the long schedule', () => {
    const tasks = planSweep({
      cells: ['0|10|210'],
      learningRates: [0.1],
      batchSizes: [64, 128],
      seeds: [1, 2],
    });
    expect(sweepUnits(tasks, 'short').length).toBe(4);
    const long = sweepUnits(tasks, 'long');
    expect(long.map((u) => [u.task.batchSize, u.seeds])).toEqual([
      [64, [1, 2]],
      [128, [1, 2]],
    ]);
  });
});

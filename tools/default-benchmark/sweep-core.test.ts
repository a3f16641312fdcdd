import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Benchmark } from '@nashpobench2/dataset';
import { loadBenchmarkPath } from '@nashpobench2/dataset/node';
import { cellClassOf } from '@nashpobench2/search-space';
import { finishedUnits } from '@nashpobench2/trainer/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_PROTOCOL, fakeTrainer } from './fake-trainer.js';
import { type PlannedRun, planDefaultBenchmark, SPANNING_CELLS } from './plan.js';
import {
  estimateRemaining,
  finishedKey,
  longSeedKeys,
  parsePriority,
  pendingRuns,
  planTotals,
  prioritize,
  runCost,
  runQueue,
} from './sweep-core.js';

const plan = planDefaultBenchmark();
// The first 40 planned runs hold grid, space-filling, seed and long runs.
const head = plan.slice(0, 40);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'default-benchmark-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('finished keys', () => {
  it('match the keys the trainer reads back from part files', async () => {
    const runs = [
      head.find((r) => r.schedule === 'short'),
      head.find((r) => r.schedule === 'long'),
    ];
    expect(runs.every(Boolean)).toBe(true);
    const train = fakeTrainer(dir);
    for (const run of runs as PlannedRun[]) await train(run, 0);
    const finished = await finishedUnits(dir, FAKE_PROTOCOL);
    expect([...finished].sort()).toEqual((runs as PlannedRun[]).map(finishedKey).sort());
  });

  it('costs a long run longEpochs / shortEpochs short runs', () => {
    const long = head.find((r) => r.schedule === 'long') as PlannedRun;
    expect(runCost(long, 12, 36)).toBe(3);
    expect(runCost({ ...long, schedule: 'short' })).toBe(1);
    const totals = planTotals(plan);
    expect(totals.total).toBe(plan.length);
    // A long seed-study unit trains 2 long runs (the first seed's is reused): 6 equivalents.
    const study = plan.find((r) => r.purpose === 'long-seeds') as PlannedRun;
    expect(runCost(study, 12, 36)).toBe(6);
    expect(totals['long-seeds']).toBe(12);
    expect(totals.shortEquivalents).toBe(
      plan.length - totals.long - totals['long-seeds'] + 3 * totals.long + 6 * totals['long-seeds'],
    );
  });

  it('calls a long seed-study unit finished only when its long part holds all its seeds', async () => {
    const configOf = (r: PlannedRun) => `${r.cellCode}/${r.lr}/${r.batchSize}`;
    const study = plan.find((r) => r.purpose === 'long-seeds') as PlannedRun;
    const primary = plan.find(
      (r) => r.purpose === 'long' && configOf(r) === configOf(study),
    ) as PlannedRun;
    expect(finishedKey(study)).toBe(
      `long:${study.cellCode}/${study.lr}/${study.batchSize}/seeds:222,555,888`,
    );
    const train = fakeTrainer(dir);
    const keysNow = async () => {
      const loaded = await loadBenchmarkPath(dir);
      return longSeedKeys([...new Benchmark(loaded.tables, loaded.metadata).longRecords()]);
    };
    await train(primary, 0);
    expect(await keysNow()).toEqual(new Set());
    await train(study, 0);
    expect(await keysNow()).toEqual(new Set([finishedKey(study)]));
    // Seeds in any order and repeated give the same key; fewer than 2 seeds give none.
    const base = { cellCode: '0|00|000', lr: 0.1, batchSize: 64 };
    expect(longSeedKeys([{ ...base, seeds: [888, 222, 555, 555] }])).toEqual(
      new Set(['long:0|00|000/0.1/64/seeds:222,555,888']),
    );
    expect(longSeedKeys([{ ...base, seeds: [222] }, base])).toEqual(new Set());
  });
});

describe('pending runs', () => {
  it('skips finished runs and keeps plan order', () => {
    const finished = new Set([finishedKey(head[0]), finishedKey(head[3])]);
    const pending = pendingRuns(head, finished);
    expect(pending).toEqual(head.filter((_, i) => i !== 0 && i !== 3));
  });

  it('shards round-robin: the shards partition the plan', () => {
    const shards = [0, 1, 2].map((index) => pendingRuns(head, new Set(), { index, count: 3 }));
    expect(shards.map((s) => s.length)).toEqual([14, 13, 13]);
    expect(shards[1][0]).toBe(head[1]);
    expect(shards[2][1]).toBe(head[5]);
    const union = shards.flat().map(finishedKey).sort();
    expect(union).toEqual(head.map(finishedKey).sort());
  });
});

describe('the queue', () => {
  it('starts runs in plan order on its lanes, one at a time per lane', async () => {
    const started: PlannedRun[] = [];
    const active = new Set<number>();
    let maxActive = 0;
    const summary = await runQueue(
      head.slice(0, 9),
      async (_run, lane) => {
        expect(active.has(lane)).toBe(false);
        active.add(lane);
        maxActive = Math.max(maxActive, active.size);
        await new Promise((r) => setTimeout(r, 5 + lane * 3));
        active.delete(lane);
        return { path: '', accuracy: 1, seconds: 1, cpuSeconds: 1 };
      },
      { parallel: 3, onStart: (run) => started.push(run) },
    );
    expect(summary).toEqual({ trained: 9, failed: 0, stopped: false, reason: undefined });
    expect(started).toEqual(head.slice(0, 9));
    expect(maxActive).toBe(3);
  });

  it('resumes a stopped sweep without retraining finished runs', async () => {
    const calls: PlannedRun[] = [];
    const train = fakeTrainer(dir, { calls });
    const first = await runQueue(
      pendingRuns(head, await finishedUnits(dir, FAKE_PROTOCOL)),
      train,
      {
        parallel: 2,
        limit: 15,
      },
    );
    expect(first).toMatchObject({ trained: 15, stopped: true, reason: 'limit' });
    const finished = await finishedUnits(dir, FAKE_PROTOCOL);
    expect([...finished].sort()).toEqual(head.slice(0, 15).map(finishedKey).sort());

    const rest = pendingRuns(head, finished);
    expect(rest).toEqual(head.slice(15));
    const second = await runQueue(rest, train, { parallel: 2 });
    expect(second).toMatchObject({ trained: 25, failed: 0, stopped: false });
    expect(calls.map(finishedKey)).toEqual(head.map(finishedKey));
    const files = (await readdir(dir)).filter((name) => name.endsWith('.parquet'));
    expect(files.length).toBe(40);
    expect(pendingRuns(head, await finishedUnits(dir, FAKE_PROTOCOL))).toEqual([]);
  });

  it('reports a failed run, goes on, and retries it on the next resume', async () => {
    const failures: string[] = [];
    const bad = head[2];
    const train = fakeTrainer(dir, { fail: (run) => run === bad });
    const summary = await runQueue(head.slice(0, 6), train, {
      parallel: 2,
      onFail: (run, _lane, error) => failures.push(`${finishedKey(run)}: ${error.message}`),
    });
    expect(summary).toMatchObject({ trained: 5, failed: 1, stopped: false });
    expect(failures).toEqual([`${finishedKey(bad)}: fake failure of ${bad.cellCode}`]);
    expect(pendingRuns(head.slice(0, 6), await finishedUnits(dir, FAKE_PROTOCOL))).toEqual([bad]);
  });

  it('stops after consecutive failures (a broken setup)', async () => {
    const summary = await runQueue(
      head,
      async () => {
        throw new Error('no backend');
      },
      { parallel: 1, maxConsecutiveFailures: 3 },
    );
    expect(summary).toEqual({ trained: 0, failed: 3, stopped: true, reason: 'failures' });
  });

  it('lets runs in progress finish when aborted and starts no more', async () => {
    const controller = new AbortController();
    const done: PlannedRun[] = [];
    const summary = await runQueue(
      head,
      async (run) => {
        // Both lanes have started when the first timer fires; then the stop comes.
        await new Promise((r) => setTimeout(r, 5));
        controller.abort();
        await new Promise((r) => setTimeout(r, 5));
        done.push(run);
        return { path: '', accuracy: 1, seconds: 1, cpuSeconds: 1 };
      },
      { parallel: 2, signal: controller.signal },
    );
    expect(summary).toMatchObject({ trained: 2, stopped: true, reason: 'aborted' });
    expect(done.sort((a, b) => head.indexOf(a) - head.indexOf(b))).toEqual(head.slice(0, 2));
  });

  it('rejects a bad lane count', async () => {
    await expect(runQueue(head, fakeTrainer(dir), { parallel: 0 })).rejects.toThrow(
      /parallel 0 is not valid; allowed: integers ≥ 1/,
    );
  });
});

describe('estimate', () => {
  it('scales CPU and wall per 12-epoch equivalent to what is left', () => {
    const timings = [
      { schedule: 'short' as const, wallSeconds: 300, cpuSeconds: 100 },
      { schedule: 'short' as const, wallSeconds: 100, cpuSeconds: 50 },
      { schedule: 'long' as const, wallSeconds: 800, cpuSeconds: 330 },
    ];
    const long = head.find((r) => r.schedule === 'long') as PlannedRun;
    const short = head.find((r) => r.schedule === 'short') as PlannedRun;
    // 5 equivalents timed: 480 s CPU (96 per equivalent), 1200 s wall (240).
    const e = estimateRemaining(timings, [long, short, short], 2);
    expect(e.runs).toBe(3);
    expect(e.cpuPerEquivalent).toBe(96);
    expect(e.wallPerEquivalent).toBe(240);
    expect(e.equivalentsLeft).toBe(5);
    expect(e.hoursOnFreeCores).toBeCloseTo((5 * 96) / 2 / 3600, 12);
    expect(e.hoursAtMeasuredRate).toBeCloseTo((5 * 240) / 2 / 3600, 12);
    expect(estimateRemaining([], [short], 1).cpuPerEquivalent).toBeNaN();
    // A seed-study unit's line counts its planned equivalents (6), and one left counts 6.
    const study = plan.find((r) => r.purpose === 'long-seeds') as PlannedRun;
    const withStudy = [
      ...timings,
      { schedule: 'long' as const, wallSeconds: 1200, cpuSeconds: 576, equivalents: 6 },
    ];
    const f = estimateRemaining(withStudy, [study], 1);
    expect(f.cpuPerEquivalent).toBe((480 + 576) / 11);
    expect(f.equivalentsLeft).toBe(6);
  });
});

describe('prioritize', () => {
  it('moves the named purposes to the front in the order named, keeping plan order', () => {
    const some = plan.slice(0, 120);
    const out = prioritize(some, ['long', 'seeds']);
    expect(out).toHaveLength(some.length);
    expect(new Set(out)).toEqual(new Set(some));
    const longs = some.filter((r) => r.purpose === 'long');
    const seeds = some.filter((r) => r.purpose === 'seeds');
    expect(longs.length).toBeGreaterThan(2);
    expect(seeds.length).toBeGreaterThan(2);
    expect(out.slice(0, longs.length)).toEqual(longs);
    expect(out.slice(longs.length, longs.length + seeds.length)).toEqual(seeds);
    expect(out.slice(longs.length + seeds.length)).toEqual(
      some.filter((r) => r.purpose !== 'long' && r.purpose !== 'seeds'),
    );
    expect(prioritize(some, [])).toEqual(some);
  });

  it('grid:N moves only the grid runs of the first N spanning cells, before the next entries', () => {
    const spanning = SPANNING_CELLS.map((code) => cellClassOf(code).representative);
    const some = plan.slice(0, 200);
    const out = prioritize(some, parsePriority('grid:2,space-filling', spanning.length), spanning);
    expect(new Set(out)).toEqual(new Set(some));
    expect(out).toHaveLength(some.length);
    const twoCells = some.filter(
      (r) => r.purpose === 'grid' && (r.cellCode === spanning[0] || r.cellCode === spanning[1]),
    );
    const space = some.filter((r) => r.purpose === 'space-filling');
    // Round-robin grid over 10 cells: 200 plan runs hold about 8 grid runs per cell.
    expect(twoCells.length).toBeGreaterThanOrEqual(10);
    expect(out.slice(0, twoCells.length)).toEqual(twoCells);
    expect(out.slice(twoCells.length, twoCells.length + space.length)).toEqual(space);
    // The other cells' grid runs come after, in plan order.
    const rest = out.slice(twoCells.length + space.length);
    expect(rest.some((r) => r.purpose === 'grid' && r.cellCode === spanning[2])).toBe(true);
    expect(rest.every((r) => !twoCells.includes(r) && r.purpose !== 'space-filling')).toBe(true);
  });
});

describe('parsePriority', () => {
  it('reads purposes and grid:N, and refuses anything else in one line', () => {
    expect(parsePriority(undefined, 10)).toEqual([]);
    expect(parsePriority('long, seeds', 10)).toEqual([{ purpose: 'long' }, { purpose: 'seeds' }]);
    expect(parsePriority('long-seeds', 10)).toEqual([{ purpose: 'long-seeds' }]);
    expect(parsePriority('grid:8,grid', 10)).toEqual([
      { purpose: 'grid', cells: 8 },
      { purpose: 'grid' },
    ]);
    for (const bad of ['grid:0', 'grid:11', 'grid:2.5', 'seeds:3', 'longs', 'grid:1:2', '']) {
      expect(() => parsePriority(bad, 10)).toThrow(/--first/);
    }
    expect(() => parsePriority('grid:11', 10)).toThrow(/grid:N with N in 1\.\.10/);
  });
});

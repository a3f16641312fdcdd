import { spawn } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Benchmark } from '@nashpobench2/dataset';
import { loadBenchmarkPath } from '@nashpobench2/dataset/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { LITE_PROTOCOL } from './protocol.js';
import { runPartName } from './sweep-executor.js';
import { planSweep, taskKey } from './sweep-plan.js';
import { runSweep, type SweepEvent, type SweepOptions } from './sweep-runner.js';
import { cifarFixtureFiles, tarArchive, tinyProtocol } from './test-helpers.js';

const protocol = tinyProtocol(LITE_PROTOCOL);
let dataPath = '';

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'nhb-sweep-data-'));
  dataPath = join(folder, 'cifar-10-binary.tar.gz');
  const files = cifarFixtureFiles(20).map(({ name, data }) => ({
    name: `cifar-10-batches-bin/${name}`,
    data,
  }));
  await writeFile(dataPath, gzipSync(tarArchive(files)));
});

const tasks = planSweep({
  cells: ['2|22|222', '1|11|111'],
  learningRates: [0.1],
  batchSizes: [16, 32],
  seeds: [1, 2],
});

async function options(out: string, extra: Partial<SweepOptions> = {}): Promise<SweepOptions> {
  return { protocol, dataPath, out, tasks, backend: 'cpu', recordsPerFile: 20, ...extra };
}

async function keysIn(out: string): Promise<string[]> {
  const loaded = await loadBenchmarkPath(out);
  return [...new Benchmark(loaded.tables, loaded.metadata).runs()].map(taskKey).sort();
}

describe('runSweep', () => {
  it('resumes a sweep killed part-way, skipping finished runs, with worker processes', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nhb-sweep-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./__fixtures__/sweep-child.ts', import.meta.url)),
        JSON.stringify(await options(out)),
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill it as soon as two runs are on disk.
    for (let waited = 0; waited < 120_000; waited += 100) {
      const parts = (await readdir(out)).filter((name) => name.endsWith('.parquet'));
      if (parts.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    await exited;

    const before = (await readdir(out)).filter((name) => name.endsWith('.parquet'));
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(tasks.length);
    // What the killed sweep left is readable: whole part files only.
    expect((await keysIn(out)).length).toBe(before.length);
    const times = new Map(
      await Promise.all(before.map(async (n) => [n, (await stat(join(out, n))).mtimeMs] as const)),
    );

    const events: SweepEvent[] = [];
    const summary = await runSweep(
      await options(out, { parallel: 2, onEvent: (e) => events.push(e) }),
    );
    expect(summary).toMatchObject({
      units: tasks.length,
      skipped: before.length,
      trained: tasks.length - before.length,
    });
    expect(await keysIn(out)).toEqual(tasks.map(taskKey).sort());
    for (const [name, time] of times) expect((await stat(join(out, name))).mtimeMs).toBe(time);

    const backends = events.filter((e) => e.type === 'backend');
    expect(backends.map((e) => e.worker).sort()).toEqual([0, 1]);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.length).toBe(2 * summary.trained);
    const done = events.filter((e) => e.type === 'unit-done');
    expect(done.map((e) => e.done)).toEqual(
      Array.from({ length: summary.trained }, (_, i) => i + 1),
    );

    const again = await runSweep(await options(out));
    expect(again).toMatchObject({ skipped: tasks.length, trained: 0 });
  });

  it('writes one part per run with the applied protocol, sharded without overlap', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nhb-sweep-'));
    const first = await runSweep(await options(out, { shard: { index: 0, count: 3 } }));
    const second = await runSweep(await options(out, { shard: { index: 1, count: 3 } }));
    expect(first.units + second.units).toBe(6);
    const names = (await readdir(out)).filter((n) => n.endsWith('.parquet')).sort();
    const expected = tasks
      .filter((_, i) => i % 3 !== 2)
      .map(runPartName)
      .sort();
    expect(names).toEqual(expected);
    const loaded = await loadBenchmarkPath(out);
    expect(loaded.metadata.protocol).toMatchObject({
      name: 'tiny',
      splitKind: 'stratified',
      imageSize: 4,
    });
    expect(loaded.metadata.protocol.dataSource).toMatch(/not in the official order/);
  });

  it('trains the long schedule per configuration and stores the mean over seeds', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nhb-sweep-'));
    const longTasks = tasks.filter((t) => t.cellCode === '2|22|222' && t.batchSize === 16);
    const summary = await runSweep(await options(out, { tasks: longTasks, schedule: 'long' }));
    expect(summary).toMatchObject({ units: 1, trained: 1 });
    const loaded = await loadBenchmarkPath(out);
    const bench = new Benchmark(loaded.tables, loaded.metadata);
    const [long] = [...bench.longRecords()];
    expect(long).toMatchObject({
      cellCode: '2|22|222',
      lr: 0.1,
      batchSize: 16,
      seeds: [1, 2],
      measured: true,
    });
    const curves = await readdir(join(out, 'long-runs'));
    expect(curves.length).toBe(2);
    const { readFile } = await import('node:fs/promises');
    const finals = await Promise.all(
      curves.map(async (name) => {
        const saved = JSON.parse(await readFile(join(out, 'long-runs', name), 'utf8'));
        expect(saved.record.testAccuracy.length).toBe(protocol.longEpochs);
        return saved.record.testAccuracy.at(-1) as number;
      }),
    );
    expect(long.testAccuracy).toBeCloseTo((finals[0] + finals[1]) / 2, 9);
    expect(long.testAccuracyStd).toBeCloseTo(Math.abs(finals[0] - finals[1]) / Math.SQRT2, 9);
  });

  it('stops handing out runs when aborted and saves the ones in progress', async () => {
    // Worker processes (the in-process loop checks the same signal between runs).
    for (const parallel of [2]) {
      const out = await mkdtemp(join(tmpdir(), 'nhb-sweep-'));
      const controller = new AbortController();
      const onEvent = (event: SweepEvent) => {
        if (event.type === 'unit-done') controller.abort();
      };
      const summary = await runSweep(
        await options(out, { parallel, onEvent, signal: controller.signal }),
      );
      expect(summary.aborted).toBe(true);
      expect(summary.trained).toBeGreaterThanOrEqual(1);
      expect(summary.trained).toBeLessThanOrEqual(parallel);
      expect((await keysIn(out)).length).toBe(summary.trained);
    }
  });

  it('refuses an output folder holding another protocol', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nhb-sweep-'));
    await runSweep(await options(out, { tasks: tasks.slice(0, 1) }));
    const other = { ...protocol, stemChannels: 3 };
    await expect(runSweep(await options(out, { protocol: other }))).rejects.toThrow(
      /trained with another, so write to another folder/,
    );
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configIndex } from '@nashpobench2/search-space';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { encodeBenchmark, mergeBenchmarks, readBenchmarkBytes, writeBenchmark } from './node.js';
import { makeSyntheticRecords } from './synthetic.js';
import type { RunRecord } from './types.js';

const folder = await mkdtemp(join(tmpdir(), 'nhb-dataset-cpu-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

const data = makeSyntheticRecords({ classes: [0, 7, 300, 1010], rngSeed: 11 });
const E = data.metadata.protocol.shortEpochs;

/** Distinct, exactly representable CPU seconds per run, mode and epoch. */
function withCpu(run: RunRecord, r: number): RunRecord {
  const series = (m: number) => Array.from({ length: E }, (_, e) => r * 100 + m * 20 + e + 0.5);
  return {
    ...run,
    trainCpuSeconds: series(0),
    validCpuSeconds: series(1),
    testCpuSeconds: series(2),
  };
}

const withCpuClasses = new Set([0, 7]);
const cpuRuns = data.runs.filter((run) => withCpuClasses.has(run.classId)).map(withCpu);
const plainRuns = data.runs.filter((run) => !withCpuClasses.has(run.classId));

function columnNames(bytes: ArrayBuffer): Set<string> {
  return new Set(parquetMetadata(bytes).schema.map((element) => element.name));
}

function byKey(runs: Iterable<RunRecord>): Map<string, RunRecord> {
  return new Map(
    [...runs].map((run) => [`${run.classId} ${run.lr} ${run.batchSize} ${run.seed}`, run]),
  );
}

describe('optional per-epoch CPU seconds', () => {
  it('round-trips the CPU columns exactly and leaves the query cost on wall seconds', async () => {
    const bench = Benchmark.fromRecords([...cpuRuns, ...plainRuns], data.long, data.metadata);
    const bytes = encodeBenchmark(bench);
    const names = columnNames(bytes);
    for (const mode of ['train', 'valid', 'test'])
      for (let e = 1; e <= E; e++) expect(names.has(`${mode}_cpu_seconds_${e}`)).toBe(true);

    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const copy = new Benchmark(tables, metadata);
    const read = byKey(copy.runs());
    expect(read.size).toBe(data.runs.length);
    for (const run of cpuRuns) {
      const back = read.get(`${run.classId} ${run.lr} ${run.batchSize} ${run.seed}`) as RunRecord;
      expect(back.trainCpuSeconds).toEqual(run.trainCpuSeconds);
      expect(back.validCpuSeconds).toEqual(run.validCpuSeconds);
      expect(back.testCpuSeconds).toEqual(run.testCpuSeconds);
    }
    for (const run of plainRuns) {
      const back = read.get(`${run.classId} ${run.lr} ${run.batchSize} ${run.seed}`) as RunRecord;
      expect(back.trainCpuSeconds).toBeUndefined();
      expect(back.validCpuSeconds).toBeUndefined();
      expect(back.testCpuSeconds).toBeUndefined();
    }

    // Cost is the sum of the wall seconds, not of the CPU seconds.
    const run = cpuRuns[0];
    const key = { cellCode: run.cellCode, lr: run.lr, batchSize: run.batchSize };
    const result = copy.query(key, { mode: 'train', iepoch: 3, seed: run.seed });
    const wall = run.trainSeconds.slice(0, 3).reduce((a, b) => a + b, 0);
    expect(result.cost).toBeCloseTo(wall, 9);
    const plain = Benchmark.fromRecords(data.runs, data.long, data.metadata);
    expect(copy.costAt(configIndex(key), 'test', E)).toBe(
      plain.costAt(configIndex(key), 'test', E),
    );
  });

  it('writes no CPU columns when no run has them, and reads records without them', async () => {
    const bench = Benchmark.fromRecords(plainRuns, data.long, data.metadata);
    const bytes = encodeBenchmark(bench);
    expect([...columnNames(bytes)].some((name) => name.includes('cpu'))).toBe(false);
    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const runs = [...new Benchmark(tables, metadata).runs()];
    expect(runs).toEqual([...bench.runs()]);
    expect(runs.every((run) => run.trainCpuSeconds === undefined)).toBe(true);
  });

  it('reads a committed default-benchmark part file written before the columns existed', async () => {
    const path = fileURLToPath(
      new URL(
        '../../../tools/default-benchmark/parts/run-0-00-000-lr0.025-bs64-s222.parquet',
        import.meta.url,
      ),
    );
    const buffer = await readFile(path);
    const bytes = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    expect([...columnNames(bytes)].some((name) => name.includes('cpu'))).toBe(false);
    const bench = await Benchmark.open(path);
    const runs = [...bench.runs()];
    expect(runs).toHaveLength(1);
    expect(runs[0].cellCode).toBe('0|00|000');
    expect(runs[0].trainSeconds).toHaveLength(bench.protocol.shortEpochs);
    expect(runs[0].trainCpuSeconds).toBeUndefined();
    expect(runs[0].testCpuSeconds).toBeUndefined();
  });

  it('merges files with and without the columns, NaN (absent) for the runs without', async () => {
    const withPath = join(folder, 'with.parquet');
    const withoutPath = join(folder, 'without.parquet');
    await writeBenchmark(withPath, cpuRuns, [], data.metadata);
    await writeBenchmark(withoutPath, plainRuns, data.long, data.metadata);
    const out = join(folder, 'merged.parquet');
    const merged = await mergeBenchmarks([withoutPath, withPath], out);

    const buffer = await readFile(out);
    const bytes = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    expect(columnNames(bytes).has(`valid_cpu_seconds_${E}`)).toBe(true);
    const { tables } = await readBenchmarkBytes(bytes);
    const cpu = tables.cpuSeconds as Float64Array;
    let nan = 0;
    for (const value of cpu) if (Number.isNaN(value)) nan++;
    // Every value of the plain runs (and of empty slots) is NaN; none of the measured ones.
    const slots = tables.runState.length;
    expect(nan).toBe((slots - cpuRuns.length) * 3 * E);

    for (const source of [merged, await Benchmark.open(out)]) {
      const read = byKey(source.runs());
      expect(read.size).toBe(data.runs.length);
      for (const run of cpuRuns) {
        const back = read.get(`${run.classId} ${run.lr} ${run.batchSize} ${run.seed}`) as RunRecord;
        expect(back.trainCpuSeconds).toEqual(run.trainCpuSeconds);
        expect(back.testCpuSeconds).toEqual(run.testCpuSeconds);
      }
      for (const run of plainRuns) {
        const back = read.get(`${run.classId} ${run.lr} ${run.batchSize} ${run.seed}`) as RunRecord;
        expect(back.validCpuSeconds).toBeUndefined();
      }
    }

    const plainOut = join(folder, 'merged-plain.parquet');
    await mergeBenchmarks([withoutPath], plainOut);
    const plainBuffer = await readFile(plainOut);
    const plainBytes = plainBuffer.buffer.slice(
      plainBuffer.byteOffset,
      plainBuffer.byteOffset + plainBuffer.byteLength,
    );
    expect([...columnNames(plainBytes)].some((name) => name.includes('cpu'))).toBe(false);
  });

  it('skips the CPU columns when opened for queries only', async () => {
    const bench = Benchmark.fromRecords(cpuRuns, [], data.metadata);
    const { tables } = await readBenchmarkBytes(encodeBenchmark(bench), { columns: 'query' });
    expect(tables.cpuSeconds).toBeNull();
  });

  it('rejects CPU series of the wrong length', () => {
    const bad = { ...cpuRuns[0], validCpuSeconds: [1, 2] };
    expect(() => Benchmark.fromRecords([bad], [], data.metadata)).toThrow(
      /validCpuSeconds 'length 2' is not valid/,
    );
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Benchmark, FORMAT_VERSION } from '@nashpobench2/dataset';
import { loadBenchmarkPath, writeBenchmark } from '@nashpobench2/dataset/node';
import { networkCost } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCifarRecords } from './cifar10.js';
import { prepareData } from './prepare-data.js';
import { LITE_PROTOCOL } from './protocol.js';
import { cosineAnnealingLr } from './sgd.js';
import { cifarBatchFile, tinyProtocol, useCpuBackend } from './test-helpers.js';
import { type EpochMetrics, trainRun } from './train-run.js';

beforeAll(useCpuBackend);

const protocol = tinyProtocol(LITE_PROTOCOL);
const cifar = {
  train: decodeCifarRecords([{ name: 'train', data: cifarBatchFile(60, 0) }], null),
  test: decodeCifarRecords([{ name: 'test', data: cifarBatchFile(20, 3) }], null),
};
const data = prepareData(cifar, protocol);

describe('trainRun', () => {
  it('records every epoch, the analytic size, backend and seed, and leaks no tensors', async () => {
    const epochs: EpochMetrics[] = [];
    const before = tf.memory().numTensors;
    const record = await trainRun({
      data,
      cellCode: '0|12|201',
      lr: 0.1,
      batchSize: 8,
      seed: 222,
      onEpochEnd: (metrics) => epochs.push(metrics),
    });
    expect(tf.memory().numTensors).toBe(before);

    const shape = { stemChannels: 2, cellsPerStage: 1, inputSize: 4 };
    expect(record).toMatchObject({
      cellCode: '0|12|201',
      lr: 0.1,
      batchSize: 8,
      seed: 222,
      measured: true,
      backend: 'cpu',
      parameters: networkCost('0|12|201', shape).parameters,
      flops: networkCost('0|12|201', shape).flops,
    });
    for (const series of [
      'trainAccuracy',
      'trainLoss',
      'validAccuracy',
      'validLoss',
      'testAccuracy',
      'testLoss',
      'trainSeconds',
      'validSeconds',
      'testSeconds',
    ] as const) {
      expect(record[series].length, series).toBe(2);
      for (const value of record[series]) expect(Number.isFinite(value), series).toBe(true);
    }
    // Accuracies are percentages of whole images: 20 train, 10 valid, 10 test images.
    for (const value of record.trainAccuracy)
      expect((value * 20) / 100).toBeCloseTo(Math.round((value * 20) / 100), 9);
    for (const value of record.validAccuracy)
      expect((value * 10) / 100).toBeCloseTo(Math.round((value * 10) / 100), 9);
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(epochs.map((m) => m.lr)).toEqual([
      cosineAnnealingLr(0.1, 0, 2),
      cosineAnnealingLr(0.1, 1, 2),
    ]);
  });

  it('records the process CPU seconds of every pass beside the wall seconds', async () => {
    const cpuBefore = process.cpuUsage();
    const record = await trainRun({ data, cellCode: '0|12|201', lr: 0.1, batchSize: 8, seed: 3 });
    const cpuTotal = process.cpuUsage(cpuBefore);
    let sum = 0;
    for (const series of ['trainCpuSeconds', 'validCpuSeconds', 'testCpuSeconds'] as const) {
      const values = record[series] as number[];
      expect(values, series).toHaveLength(2);
      for (const value of values) {
        expect(Number.isFinite(value), series).toBe(true);
        expect(value, series).toBeGreaterThan(0);
        sum += value;
      }
    }
    // The passes are disjoint parts of the call, so their CPU time fits in the call's.
    expect(sum).toBeLessThanOrEqual((cpuTotal.user + cpuTotal.system) / 1e6);
    expect(record.trainSeconds).toHaveLength(2);
  });

  it('leaves the CPU seconds out where process.cpuUsage is missing (browsers)', async () => {
    const host = process as { cpuUsage?: NodeJS.Process['cpuUsage'] };
    const original = host.cpuUsage;
    host.cpuUsage = undefined;
    try {
      const record = await trainRun({
        data,
        cellCode: '0|12|201',
        lr: 0.1,
        batchSize: 8,
        seed: 3,
        epochs: 1,
      });
      expect(record).not.toHaveProperty('trainCpuSeconds');
      expect(record).not.toHaveProperty('validCpuSeconds');
      expect(record).not.toHaveProperty('testCpuSeconds');
      expect(record.trainSeconds).toHaveLength(1);
      expect(record.trainSeconds[0]).toBeGreaterThan(0);
    } finally {
      host.cpuUsage = original;
    }
  });

  it('repeats exactly under the same seed and differs under another', async () => {
    const run = (seed: number) =>
      trainRun({ data, cellCode: '1|22|122', lr: 0.05, batchSize: 4, seed, epochs: 1 });
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a.trainLoss).toEqual(b.trainLoss);
    expect(a.validLoss).toEqual(b.validLoss);
    expect(a.testLoss).toEqual(b.testLoss);
    expect(a.trainLoss).not.toEqual(c.trainLoss);
  });

  it('finishes a diverging run (NaN losses) and the record stays writable', async () => {
    const record = await trainRun({ data, cellCode: '0|00|000', lr: 1e6, batchSize: 10, seed: 1 });
    expect(Number.isNaN(record.validLoss[1])).toBe(true);
    expect(record.validAccuracy[0]).toBeGreaterThanOrEqual(0);
    expect(record.validAccuracy[0]).toBeLessThanOrEqual(100);
    const folder = await mkdtemp(join(tmpdir(), 'nhb-nan-'));
    const meta = {
      formatVersion: FORMAT_VERSION,
      protocol: data.protocol,
      provenance: { source: 'test', createdAt: '2026-12-04' },
    };
    await writeBenchmark(
      join(folder, 'run.parquet'),
      [{ ...record, lr: 0.4, batchSize: 16 }],
      [],
      meta,
    );
    const loaded = await loadBenchmarkPath(join(folder, 'run.parquet'));
    const [stored] = [...new Benchmark(loaded.tables, loaded.metadata).runs()];
    expect(Number.isNaN(stored.validLoss[1])).toBe(true);
    expect(stored.validAccuracy).toEqual(record.validAccuracy);
  });

  it('rejects bad arguments with the allowed values', async () => {
    const base = { data, cellCode: '0|00|000', lr: 0.1, batchSize: 8, seed: 1 };
    await expect(trainRun({ ...base, lr: 0 })).rejects.toThrow(
      /lr 0 is not valid; allowed: numbers > 0/,
    );
    await expect(trainRun({ ...base, batchSize: 1 })).rejects.toThrow(/batchSize 1 is not valid/);
    await expect(trainRun({ ...base, epochs: 0 })).rejects.toThrow(/epochs 0 is not valid/);
  });
});

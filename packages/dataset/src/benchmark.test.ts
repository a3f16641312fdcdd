import {
  CONFIGURATION_COUNT,
  cellClasses,
  cellClassOf,
  classIdsByCellIndex,
  configAt,
  configIndex,
  InvalidArgumentError,
} from '@nashpobench2/search-space';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { MissingDataError } from './errors.js';
import { makeSyntheticRecords } from './synthetic.js';
import { FORMAT_VERSION, type LongRecord, PAPER_PROTOCOL, type RunRecord } from './types.js';

const TOLERANCE = 1e-9;

/** A hand-made run whose numbers are easy to sum by hand: seconds are small integers. */
function handRun(
  cellCode: string,
  lr: number,
  batchSize: number,
  seed: number,
  shift: number,
): RunRecord {
  const epochs = 12;
  const range = (f: (e: number) => number) => Array.from({ length: epochs }, (_, e) => f(e));
  return {
    cellCode,
    classId: cellClassOf(cellCode).id,
    lr,
    batchSize,
    seed,
    trainAccuracy: range((e) => 50 + e + shift),
    trainLoss: range((e) => 2 - e / 10),
    validAccuracy: range((e) => 40 + e + shift),
    validLoss: range((e) => 2.1 - e / 10),
    testAccuracy: range((e) => 39 + e + shift),
    testLoss: range((e) => 2.2 - e / 10),
    trainSeconds: range((e) => 10 + e + shift),
    validSeconds: range(() => 2),
    testSeconds: range(() => 1),
    parameters: 1000,
    flops: 2000,
    measured: true,
  };
}

const META = {
  formatVersion: FORMAT_VERSION,
  protocol: PAPER_PROTOCOL,
  provenance: { source: 'hand-made test data', createdAt: '2026-01-01T00:00:00Z' },
};
const CLASS = cellClasses().find((c) => c.members.length >= 6)!;
const REP = CLASS.representative;
const KEY = { cellCode: REP, lr: 0.1, batchSize: 256 };

function handBenchmark(): Benchmark {
  const runs = [
    handRun(REP, 0.1, 256, 222, 0),
    handRun(REP, 0.1, 256, 555, 3),
    handRun(REP, 0.1, 256, 888, 6),
  ];
  const long: LongRecord[] = [
    {
      cellCode: REP,
      classId: CLASS.id,
      lr: 0.1,
      batchSize: 256,
      testAccuracy: 91.5,
      testAccuracyStd: 0.4,
      measured: false,
    },
  ];
  return Benchmark.fromRecords(runs, long, META);
}

describe('Benchmark queries (official semantics)', () => {
  const bench = handBenchmark();

  it('returns the accuracy of the mode after iepoch and the summed cost per mode', () => {
    // seed 222: valid at epoch 12 = 40 + 11; cost valid = Σ(10..21) + 12·2 = 186 + 24
    expect(bench.query(KEY, { seed: 222 })).toEqual({ accuracy: 51, cost: 210 });
    expect(bench.query(KEY, { seed: 222, mode: 'train' })).toEqual({ accuracy: 61, cost: 186 });
    expect(bench.query(KEY, { seed: 222, mode: 'test' })).toEqual({ accuracy: 50, cost: 222 });
    // iepoch 6: valid accuracy 40 + 5; cost = (10+...+15) + 6·2 = 75 + 12
    expect(bench.query(KEY, { seed: 222, iepoch: 6 })).toEqual({ accuracy: 45, cost: 87 });
    expect(bench.query(KEY, { seed: 222, iepoch: 1, mode: 'test' })).toEqual({
      accuracy: 39,
      cost: 13,
    });
  });

  it('averages over seeds when no seed is given', () => {
    // shifts 0, 3, 6 → mean shift 3: valid 54; cost valid = 210 + 12·3
    const result = bench.query(KEY);
    expect(result.accuracy).toBeCloseTo(54, 12);
    expect(result.cost).toBeCloseTo(246, 9);
    expect(bench.query(KEY, { seed: 888 }).accuracy).toBe(57);
  });

  it('answers epoch 200 with the long value and no cost, and accepts protocol epochs', () => {
    expect(bench.query(KEY, { epoch: 200 })).toEqual({ accuracy: 91.5, cost: null });
    expect(bench.query(KEY, { epoch: 200, mode: 'train' })).toEqual({ accuracy: 91.5, cost: null });
    expect(() => bench.query(KEY, { epoch: 200, iepoch: 3 })).toThrow(InvalidArgumentError);
    expect(() => bench.query(KEY, { epoch: 50 })).toThrow(/allowed: 12, 200/);
  });

  it('answers every equivalent code identically', () => {
    const members = CLASS.members;
    expect(members.length).toBeGreaterThan(1);
    for (const code of members) {
      expect(bench.query({ ...KEY, cellCode: code }, { iepoch: 7 })).toEqual(
        bench.query(KEY, { iepoch: 7 }),
      );
    }
  });

  it('rejects invalid keys and options with the allowed values', () => {
    expect(() => bench.query({ ...KEY, lr: 0.3 })).toThrow(/allowed: 0.003125/);
    expect(() => bench.query({ ...KEY, batchSize: 100 })).toThrow(/allowed: 16, 32/);
    expect(() => bench.query({ ...KEY, cellCode: '4|00|000' })).toThrow(InvalidArgumentError);
    expect(() => bench.query(KEY, { seed: 1 })).toThrow(/allowed: 222, 555, 888/);
    expect(() => bench.query(KEY, { iepoch: 0 })).toThrow(/allowed: integers 1..12/);
    expect(() => bench.query(KEY, { iepoch: 13 })).toThrow(InvalidArgumentError);
    expect(() => bench.query(KEY, { mode: 'dev' as never })).toThrow(/'train', 'valid', 'test'/);
    expect(() => bench.accuracyAt(CONFIGURATION_COUNT, 'valid', 12)).toThrow(InvalidArgumentError);
  });

  it('reports configurations and seeds missing from a partial benchmark', () => {
    expect(() => bench.query({ ...KEY, lr: 0.2 })).toThrow(MissingDataError);
    expect(Number.isNaN(bench.accuracyAt(configIndex({ ...KEY, lr: 0.2 }), 'valid', 12))).toBe(
      true,
    );
    const partial = Benchmark.fromRecords(
      [handRun(REP, 0.1, 256, 222, 0), handRun(REP, 0.1, 256, 555, 0)],
      [],
      META,
    );
    const single = Benchmark.fromRecords([handRun(REP, 0.1, 256, 222, 0)], [], META);
    expect(partial.seeds).toEqual([222, 555]);
    expect(single.query(KEY).accuracy).toBe(51);
    expect(() => single.query(KEY, { epoch: 200 })).toThrow(MissingDataError);
  });

  it('rejects duplicate runs and a class id that does not match the code', () => {
    const run = handRun(REP, 0.1, 256, 222, 0);
    expect(() => Benchmark.fromRecords([run, run], [], META)).toThrow(/duplicate run/);
    expect(() => Benchmark.fromRecords([{ ...run, classId: CLASS.id + 1 }], [], META)).toThrow(
      /classId/,
    );
    expect(() => Benchmark.fromRecords([{ ...run, trainAccuracy: [1] }], [], META)).toThrow(
      /length 12/,
    );
  });

  it('gives back the records it was built from', () => {
    const runs = [handRun(REP, 0.1, 256, 222, 0), handRun(REP, 0.1, 256, 555, 3)];
    const copy = Benchmark.fromRecords(runs, [], META);
    expect([...copy.runs()]).toEqual(runs);
    expect([...handBenchmark().longRecords()]).toHaveLength(1);
    expect(copy.coverage()).toMatchObject({
      runs: 2,
      trainings: 1,
      classes: 1,
      completeTrainings: 1,
    });
    expect(copy.coverage().configurations).toBe(CLASS.members.length);
  });
});

describe('Benchmark on synthetic data', () => {
  const data = makeSyntheticRecords({ classes: [0, 1, 2, 500, 1010], rngSeed: 7 });
  const bench = Benchmark.fromRecords(data.runs, data.long, data.metadata);

  it('agrees with a direct computation from the records for random queries', () => {
    const codes = classIdsByCellIndex();
    const included = new Set([0, 1, 2, 500, 1010]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CONFIGURATION_COUNT - 1 }),
        fc.constantFrom('train', 'valid', 'test' as const),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(222, 555, 888),
        (index, mode, iepoch, seed) => {
          const key = configAt(index);
          const classId = codes[Math.floor(index / 48)];
          if (!included.has(classId)) return;
          const run = data.runs.find(
            (r) =>
              r.classId === classId &&
              r.lr === key.lr &&
              r.batchSize === key.batchSize &&
              r.seed === seed,
          )!;
          const passes = {
            train: ['train'],
            valid: ['train', 'valid'],
            test: ['train', 'valid', 'test'],
          }[mode];
          let cost = 0;
          for (const pass of passes)
            for (let e = 0; e < iepoch; e++)
              cost += (run as never as Record<string, number[]>)[`${pass}Seconds`][e];
          const expected = (run as never as Record<string, number[]>)[`${mode}Accuracy`][
            iepoch - 1
          ];
          const result = bench.query(key, { mode, iepoch, seed });
          expect(result.accuracy).toBe(expected);
          expect(Math.abs((result.cost ?? Number.NaN) - cost)).toBeLessThan(TOLERANCE * cost);
          expect(bench.accuracyAt(index, mode, iepoch, seed)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('marks measured runs and long values', () => {
    const index = configIndex({
      cellCode: cellClasses()[500].representative,
      lr: 0.1,
      batchSize: 16,
    });
    expect(bench.isMeasured(index)).toBe(true);
    expect(
      bench.isMeasured(
        configIndex({ cellCode: cellClasses()[3].representative, lr: 0.1, batchSize: 16 }),
      ),
    ).toBe(false);
    expect(Number.isNaN(bench.longAccuracyAt(index))).toBe(false);
  });

  it('says per seed which runs were measured when a configuration mixes both', () => {
    const mixed = Benchmark.fromRecords(
      [handRun(REP, 0.1, 256, 222, 0), { ...handRun(REP, 0.1, 256, 555, 1), measured: false }],
      [],
      META,
    );
    const index = configIndex(KEY);
    expect(mixed.isMeasured(index)).toBe(false);
    expect(mixed.isMeasured(index, 222)).toBe(true);
    expect(mixed.isMeasured(index, 555)).toBe(false);
    expect(() => mixed.isMeasured(index, 1)).toThrow(/seed 1 is not valid; allowed: 222, 555/);
  });
});

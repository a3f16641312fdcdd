import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configIndex } from '@nashpobench2/search-space';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { FormatError } from './errors.js';
import { encodeBenchmark, mergeBenchmarks, readBenchmarkBytes, writeBenchmark } from './node.js';
import { makeSyntheticRecords } from './synthetic.js';
import { MODES, type RunRecord } from './types.js';

const data = makeSyntheticRecords({ classes: [0, 7], rngSeed: 5 });
const E = data.metadata.protocol.shortEpochs;
const SPREAD_FIELDS = [
  'trainAccuracyStd',
  'validAccuracyStd',
  'testAccuracyStd',
  'trainSecondsStd',
  'validSecondsStd',
  'testSecondsStd',
] as const;

/**
 * Exactly representable spreads that differ per configuration r, field f and epoch e (multiples
 * of 1/8), the same for every seed as the surrogate writes them.
 */
function spreadOf(r: number, f: number, e: number): number {
  return r / 8 + f + e / 4;
}

function predicted(run: RunRecord, r: number): RunRecord {
  const fields = SPREAD_FIELDS.map((field, f) => [
    field,
    Array.from({ length: E }, (_, e) => spreadOf(r, f, e)),
  ]);
  return { ...run, measured: false, ...Object.fromEntries(fields) };
}

const keyOf = (run: RunRecord) => `${run.classId} ${run.lr} ${run.batchSize}`;
const configs = [...new Set(data.runs.map(keyOf))];
// Class 7 fully predicted; one configuration of class 0 mixes a measured seed (222) with two
// predicted ones; the rest of class 0 is measured.
const mixed = configs[0];
const runs = data.runs.map((run) => {
  const r = configs.indexOf(keyOf(run));
  const isPredicted = run.classId === 7 || (keyOf(run) === mixed && run.seed !== 222);
  return isPredicted ? predicted(run, r) : run;
});

function columnNames(bytes: ArrayBuffer): Set<string> {
  return new Set(parquetMetadata(bytes).schema.map((element) => element.name));
}

const bySeedKey = (list: Iterable<RunRecord>) =>
  new Map([...list].map((run) => [`${keyOf(run)} ${run.seed}`, run]));

describe('optional predicted-spread series', () => {
  it('round-trips the spreads of predicted runs exactly and gives measured runs none', async () => {
    const bench = Benchmark.fromRecords(runs, data.long, data.metadata);
    const bytes = encodeBenchmark(bench);
    const names = columnNames(bytes);
    for (const mode of MODES) {
      for (let e = 1; e <= E; e++) {
        expect(names.has(`${mode}_accuracy_std_${e}`)).toBe(true);
        expect(names.has(`${mode}_seconds_std_${e}`)).toBe(true);
      }
    }

    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const read = bySeedKey(new Benchmark(tables, metadata).runs());
    expect(read.size).toBe(runs.length);
    let predictedCount = 0;
    for (const run of runs) {
      const back = read.get(`${keyOf(run)} ${run.seed}`) as RunRecord;
      expect(back.measured).toBe(run.measured);
      for (const field of SPREAD_FIELDS) expect(back[field]).toEqual(run[field]);
      if (run.measured) {
        expect(back.trainAccuracyStd).toBeUndefined();
      } else {
        predictedCount += 1;
        expect(back.testSecondsStd?.[E - 1]).toBe(spreadOf(configs.indexOf(keyOf(run)), 5, E - 1));
      }
    }
    // 48 configurations × 3 seeds of class 7, plus two seeds of the mixed configuration.
    expect(predictedCount).toBe(48 * 3 + 2);
  });

  it('answers accuracyStdAt and secondsStdAt per seed and as the mean over the runs that have one', async () => {
    const { tables, metadata } = await readBenchmarkBytes(
      encodeBenchmark(Benchmark.fromRecords(runs, data.long, data.metadata)),
    );
    const bench = new Benchmark(tables, metadata);
    const run = runs.find((r) => r.classId === 7 && r.seed === 555) as RunRecord;
    const r = configs.indexOf(keyOf(run));
    const index = configIndex(run);
    // valid accuracy is field 1, test seconds field 5; epoch 4 sits at e = 3.
    expect(bench.accuracyStdAt(index, 'valid', 4, 555)).toBe(r / 8 + 1 + 3 / 4);
    expect(bench.accuracyStdAt(index, 'valid', 4)).toBe(r / 8 + 1 + 3 / 4);
    expect(bench.secondsStdAt(index, 'test', E)).toBe(r / 8 + 5 + (E - 1) / 4);

    // The mixed configuration: seed 222 measured (NaN), 555 and 888 predicted with equal spreads.
    const [mixedRun] = runs.filter((x) => keyOf(x) === mixed);
    expect(mixedRun.classId).toBe(0);
    const mixedIndex = configIndex(mixedRun);
    expect(bench.accuracyStdAt(mixedIndex, 'train', 1, 222)).toBeNaN();
    expect(bench.accuracyStdAt(mixedIndex, 'train', 1, 888)).toBe(0);
    expect(bench.accuracyStdAt(mixedIndex, 'train', 2)).toBe(1 / 4);

    // A measured configuration has no spread; bad arguments throw like accuracyAt.
    const measured = runs.find((x) => x.classId === 0 && keyOf(x) !== mixed) as RunRecord;
    expect(bench.accuracyStdAt(configIndex(measured), 'valid', E)).toBeNaN();
    expect(() => bench.accuracyStdAt(index, 'valid', E + 1)).toThrow(/iepoch/);
    expect(() => bench.secondsStdAt(index, 'valid', 1, 999)).toThrow(/seed/);
  });

  it('averages differing per-seed spreads in the seedless accessor', () => {
    const [a, b] = runs.filter((x) => keyOf(x) === mixed && x.seed !== 222);
    const changed = { ...b, validAccuracyStd: (b.validAccuracyStd as number[]).map((v) => v + 3) };
    const others = runs.filter((x) => x !== b);
    const bench = Benchmark.fromRecords([...others, changed], [], data.metadata);
    const expected =
      ((a.validAccuracyStd as number[])[2] + (changed.validAccuracyStd[2] as number)) / 2;
    expect(bench.accuracyStdAt(configIndex(a), 'valid', 3)).toBe(expected);
  });

  it('writes the spread columns with dictionary encoding on request', async () => {
    const bench = Benchmark.fromRecords(runs, [], data.metadata);
    const bytes = encodeBenchmark(bench, { dictionarySeries: ['accuracy_std', 'seconds_std'] });
    const chunks = parquetMetadata(bytes).row_groups[0].columns;
    const encodings = (name: string) =>
      chunks.find((c) => c.meta_data?.path_in_schema.join('.') === name)?.meta_data?.encodings;
    expect(encodings('valid_accuracy_std_3')).toContain('RLE_DICTIONARY');
    expect(encodings('test_seconds_std_12')).toContain('RLE_DICTIONARY');
    expect(encodings('valid_accuracy_3')).not.toContain('RLE_DICTIONARY');
    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const read = bySeedKey(new Benchmark(tables, metadata).runs());
    for (const run of runs)
      expect(read.get(`${keyOf(run)} ${run.seed}`)?.validSecondsStd).toEqual(run.validSecondsStd);
  });

  it('writes no spread columns when no run has them, and reads files without them', async () => {
    const bytes = encodeBenchmark(Benchmark.fromRecords(data.runs, data.long, data.metadata));
    expect([...columnNames(bytes)].some((name) => name.includes('_std_'))).toBe(false);
    const { tables, metadata } = await readBenchmarkBytes(bytes);
    expect(tables.accuracyStd).toBeNull();
    expect(tables.secondsStd).toBeNull();
    const bench = new Benchmark(tables, metadata);
    expect([...bench.runs()].every((run) => run.trainAccuracyStd === undefined)).toBe(true);
    expect(bench.accuracyStdAt(configIndex(data.runs[0]), 'valid', E)).toBeNaN();
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
    expect([...columnNames(bytes)].some((name) => name.includes('_std_'))).toBe(false);
    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const bench = new Benchmark(tables, metadata);
    const [run] = [...bench.runs()];
    expect(run.cellCode).toBe('0|00|000');
    for (const field of SPREAD_FIELDS) expect(run[field]).toBeUndefined();
    expect(bench.secondsStdAt(configIndex(run), 'train', 1)).toBeNaN();
  });

  it('keeps the spreads when files with and without them are merged', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'nhb-dataset-spread-'));
    try {
      const withPath = join(folder, 'with.parquet');
      const withoutPath = join(folder, 'without.parquet');
      await writeBenchmark(
        withPath,
        runs.filter((r) => r.classId === 7),
        [],
        data.metadata,
      );
      await writeBenchmark(
        withoutPath,
        runs.filter((r) => r.classId === 0),
        [],
        data.metadata,
      );
      const out = join(folder, 'merged.parquet');
      await mergeBenchmarks([withoutPath, withPath], out);
      const read = bySeedKey((await Benchmark.open(out)).runs());
      expect(read.size).toBe(runs.length);
      for (const run of runs) {
        const back = read.get(`${keyOf(run)} ${run.seed}`) as RunRecord;
        expect(back.validAccuracyStd).toEqual(run.validAccuracyStd);
        expect(back.trainSecondsStd).toEqual(run.trainSecondsStd);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('skips the spread columns when opened for queries only', async () => {
    const bytes = encodeBenchmark(Benchmark.fromRecords(runs, [], data.metadata));
    const { tables, metadata } = await readBenchmarkBytes(bytes, { columns: 'query' });
    expect(tables.accuracyStd).toBeNull();
    const bench = new Benchmark(tables, metadata);
    const run = runs.find((x) => x.classId === 7) as RunRecord;
    expect(bench.accuracyStdAt(configIndex(run), 'valid', E)).toBeNaN();
  });

  it('refuses a file holding only some columns of a spread series', async () => {
    const bench = Benchmark.fromRecords(runs, [], data.metadata);
    const full = new Uint8Array(encodeBenchmark(bench));
    // Renaming one column in the footer (same length, so the file stays well-formed) removes
    // it from the series as a reader sees it.
    const text = Buffer.from(full).toString('latin1');
    const renamed = text.split('train_seconds_std_7').join('train_seconds_xyz_7');
    expect(renamed).not.toBe(text);
    const copy = new Uint8Array(Buffer.from(renamed, 'latin1'));
    await expect(readBenchmarkBytes(copy.buffer)).rejects.toThrow(FormatError);
    await expect(readBenchmarkBytes(copy.buffer)).rejects.toThrow(
      /has some seconds_std columns but lacks train_seconds_std_7/,
    );
  });

  it('rejects spread series of the wrong length', () => {
    const bad = { ...runs.find((x) => !x.measured), testSecondsStd: [1] } as RunRecord;
    expect(() => Benchmark.fromRecords([bad], [], data.metadata)).toThrow(
      /testSecondsStd 'length 1' is not valid/,
    );
  });
});

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellClasses, configIndex } from '@nashpobench2/search-space';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { FormatError, MissingDataError } from './errors.js';
import {
  appendRuns,
  encodeBenchmark,
  NODE_COMPRESSORS,
  readBenchmarkBytes,
  writeBenchmark,
  writeBenchmarkFile,
} from './node.js';
import { makeSyntheticRecords } from './synthetic.js';

const folder = await mkdtemp(join(tmpdir(), 'nhb-dataset-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

const data = makeSyntheticRecords({ classes: [0, 7, 300, 1010], rngSeed: 5 });
const bench = Benchmark.fromRecords(data.runs, data.long, data.metadata);
const key = { cellCode: cellClasses()[300].representative, lr: 0.025, batchSize: 64 };

describe('Parquet format', () => {
  it('round-trips every record and the metadata exactly', async () => {
    const bytes = encodeBenchmark(bench);
    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const copy = new Benchmark(tables, metadata);
    expect([...copy.runs()]).toEqual([...bench.runs()]);
    expect([...copy.longRecords()]).toEqual([...bench.longRecords()]);
    expect(copy.metadata).toEqual(data.metadata);
    expect(copy.query(key, { mode: 'test', iepoch: 5, seed: 555 })).toEqual(
      bench.query(key, { mode: 'test', iepoch: 5, seed: 555 }),
    );
  });

  it('writes chosen series dictionary-encoded and reads them back exactly', async () => {
    const bytes = encodeBenchmark(bench, { dictionarySeries: ['accuracy'] });
    const footer = parquetMetadata(bytes);
    const encodings = new Map(
      footer.row_groups[0].columns.map((c) => [
        c.meta_data?.path_in_schema.join('.'),
        c.meta_data?.encodings,
      ]),
    );
    expect(encodings.get('valid_accuracy_3')).toContain('RLE_DICTIONARY');
    expect(encodings.get('train_seconds_3')).not.toContain('RLE_DICTIONARY');
    const { tables, metadata } = await readBenchmarkBytes(bytes);
    const copy = new Benchmark(tables, metadata);
    expect([...copy.runs()]).toEqual([...bench.runs()]);
  });

  it('stores the format version, protocol and provenance as key-value metadata', () => {
    const footer = parquetMetadata(encodeBenchmark(bench));
    const kv = Object.fromEntries((footer.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv['nhb.format_version']).toBe('1');
    expect(JSON.parse(kv['nhb.protocol'] as string)).toEqual(data.metadata.protocol);
    expect(JSON.parse(kv['nhb.provenance'] as string).source).toBe('synthetic, rngSeed 5');
    expect(Number(footer.num_rows)).toBe(data.runs.length + data.long.length);
  });

  it('reads only the query columns when asked, and then refuses runs()', async () => {
    const { tables, metadata } = await readBenchmarkBytes(encodeBenchmark(bench), {
      columns: 'query',
    });
    const light = new Benchmark(tables, metadata);
    expect(light.query(key)).toEqual(bench.query(key));
    expect(() => [...light.runs()]).toThrow(MissingDataError);
  });

  it('writes GZIP in Node and reads it back', async () => {
    const path = join(folder, 'gzip.parquet');
    await writeBenchmarkFile(path, bench, { codec: 'GZIP', compressors: NODE_COMPRESSORS });
    const copy = await Benchmark.open(path);
    expect(copy.query(key, { epoch: 200 })).toEqual(bench.query(key, { epoch: 200 }));
  });

  it('rejects a truncated file and a file that is not a benchmark', async () => {
    const bytes = new Uint8Array(encodeBenchmark(bench));
    for (const length of [0, 7, 100, Math.floor(bytes.length / 2), bytes.length - 9]) {
      const truncated = bytes.slice(0, length).buffer;
      await expect(readBenchmarkBytes(truncated)).rejects.toThrow(FormatError);
    }
    const corrupt = bytes.slice();
    corrupt.fill(0x55, 4, Math.floor(corrupt.length / 2));
    await expect(readBenchmarkBytes(corrupt.buffer)).rejects.toThrow(FormatError);
  });

  it('writes atomically: no temporary file is left and a failed write keeps the old file', async () => {
    const path = join(folder, 'atomic.parquet');
    await writeBenchmark(path, data.runs, data.long, data.metadata);
    const before = await readFile(path);
    const bad = [{ ...data.runs[0] }, { ...data.runs[0] }];
    await expect(writeBenchmark(path, bad, [], data.metadata)).rejects.toThrow(/duplicate run/);
    expect(Buffer.compare(before, await readFile(path))).toBe(0);
    expect((await readdir(folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('opens a folder of part files appended one by one, and rejects duplicates across parts', async () => {
    const sweep = join(folder, 'sweep');
    const bySeed = (seed: number) => data.runs.filter((r) => r.seed === seed);
    await appendRuns(sweep, bySeed(222), data.metadata);
    await appendRuns(sweep, bySeed(555), data.metadata);
    await appendRuns(sweep, bySeed(888), data.metadata, data.long);
    const opened = await Benchmark.open(sweep);
    expect(opened.seeds).toEqual([222, 555, 888]);
    expect(opened.coverage()).toEqual(bench.coverage());
    const index = configIndex(key);
    expect(opened.costAt(index, 'valid', 12)).toBe(bench.costAt(index, 'valid', 12));
    expect((opened.metadata.provenance.parts as unknown[]).length).toBe(3);

    await appendRuns(sweep, bySeed(555).slice(0, 1), data.metadata);
    await expect(Benchmark.open(sweep)).rejects.toThrow(/duplicate run with seed 555/);
  });

  it('rejects parts trained with different protocols', async () => {
    const mixed = join(folder, 'mixed');
    await appendRuns(mixed, data.runs.slice(0, 3), data.metadata);
    const other = { ...data.metadata, protocol: { ...data.metadata.protocol, version: 2 } };
    await appendRuns(mixed, data.runs.slice(3, 6), other);
    await expect(Benchmark.open(mixed)).rejects.toThrow(/another protocol/);
  });

  it('opens from bytes and gives clear errors for missing sources', async () => {
    const path = join(folder, 'plain.parquet');
    await writeBenchmarkFile(path, bench);
    const copy = await Benchmark.open(new Uint8Array(await readFile(path)));
    expect(copy.coverage().runs).toBe(data.runs.length);
    await expect(Benchmark.open(join(folder, 'nothing-here'))).rejects.toThrow(/no benchmark at/);
    await writeFile(join(folder, 'text.parquet'), 'not parquet at all');
    await expect(Benchmark.open(join(folder, 'text.parquet'))).rejects.toThrow(FormatError);
  });
});

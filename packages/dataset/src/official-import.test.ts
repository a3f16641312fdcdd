import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFICIAL_REPRESENTATIVES } from '@nashpobench2/search-space';
import { afterAll, describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark.js';
import { FormatError } from './errors.js';
import { importOfficial, writeBenchmarkFile } from './node.js';
import { convertOfficial } from './official-import.js';
import { readPickle } from './pickle-reader.js';
import { PyDict, type PyValue } from './pickle-values.js';
import { Run } from './run.js';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/official/', import.meta.url));
const folder = await mkdtemp(join(tmpdir(), 'nhb-official-'));
afterAll(() => rm(folder, { recursive: true, force: true }));

interface ExpectedQuery {
  cellCode: string;
  lr: number;
  batchSize: number;
  epoch: number;
  mode: 'train' | 'valid' | 'test';
  iepoch: number | null;
  seed: number | null;
  accuracy: number;
  cost: number | null;
}
const expected: { seeds: number[]; queries: ExpectedQuery[] } = JSON.parse(
  await readFile(join(FIXTURES, 'expected.json'), 'utf8'),
);

const parsed = {
  bench12: readPickle(new Uint8Array(await readFile(join(FIXTURES, 'bench12.pkl')))),
  cellinfo: readPickle(new Uint8Array(await readFile(join(FIXTURES, 'cellinfo.pkl')))),
  avgaccs200: readPickle(new Uint8Array(await readFile(join(FIXTURES, 'avgaccs200.pkl')))),
};

const imported = await importOfficial(FIXTURES, { createdAt: '2026-12-04T00:00:00Z' });
const bench = Benchmark.fromRecords(imported.runs, imported.long, imported.metadata);

describe('importOfficial on pickles written by Python', () => {
  it('converts every run and long value with the trained representatives', () => {
    // 3 classes × 2 lr × 3 batch sizes × 3 seeds; 3 × 6 long values (make_fixtures.py)
    expect(imported.runs).toHaveLength(54);
    expect(imported.long).toHaveLength(18);
    expect(bench.seeds).toEqual([222, 555, 888]);
    const codes = [...new Set(imported.runs.map((run) => run.cellCode))].sort();
    expect(codes).toEqual(['0|00|032', '0|00|112', '0|10|210']);
    for (const code of codes) expect(OFFICIAL_REPRESENTATIVES).toContain(code);
    expect(bench.coverage()).toMatchObject({
      runs: 54,
      trainings: 18,
      classes: 3,
      longRecords: 18,
    });
    expect(imported.long.every((record) => !record.measured)).toBe(true);
    expect(imported.metadata.protocol.shortEpochs).toBe(12);
  });

  it('answers like the official API on the same data (second implementation in Python)', () => {
    expect(expected.queries.length).toBeGreaterThan(60);
    for (const query of expected.queries) {
      const key = { cellCode: query.cellCode, lr: query.lr, batchSize: query.batchSize };
      const answer = bench.query(key, {
        epoch: query.epoch,
        mode: query.mode,
        iepoch: query.iepoch ?? undefined,
        seed: query.seed ?? (query.epoch === 12 ? expected.seeds[0] : undefined),
      });
      // Same numbers added in the same order: exact, not approximately equal.
      expect(answer.accuracy).toBe(query.accuracy);
      expect(answer.cost).toBe(query.cost);
    }
  });

  it('uses the official totals at the last epoch and per-epoch sums before it', () => {
    const key = { cellCode: '0|10|210', lr: 0.1, batchSize: 256 };
    const run = imported.runs.find(
      (r) => r.cellCode === key.cellCode && r.lr === 0.1 && r.batchSize === 256 && r.seed === 555,
    )!;
    const totals = run.totalSeconds!;
    const sum = (values: number[], n: number) => values.slice(0, n).reduce((a, b) => a + b, 0);
    expect(bench.query(key, { seed: 555, mode: 'train' }).cost).toBe(totals.train);
    expect(bench.query(key, { seed: 555 }).cost).toBe(totals.trainValid);
    expect(bench.query(key, { seed: 555, mode: 'test' }).cost).toBe(
      totals.trainValid + totals.test,
    );
    // the fixture's totals carry overhead, so they differ from the sums
    expect(totals.train).toBeGreaterThan(sum(run.trainSeconds, 12));
    const cost11 = bench.query(key, { seed: 555, iepoch: 11 }).cost!;
    expect(cost11).toBeCloseTo(sum(run.trainSeconds, 11) + sum(run.validSeconds, 11), 9);
  });

  it('reports columns it did not import and keeps provenance', () => {
    expect(imported.warnings.join('\n')).toMatch(/columns not imported: weight_norm_11$/m);
    expect(imported.warnings.join('\n')).not.toMatch(/\blr\b|batch_size|seed/);
    const files = imported.metadata.provenance.files as { name: string; sha256: string }[];
    expect(files.map((f) => f.name)).toEqual(['bench12.pkl', 'cellinfo.pkl', 'avgaccs200.pkl']);
    expect(files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('survives a Parquet round trip, and a Run reports the best configuration like get_results', async () => {
    const path = join(folder, 'official.parquet');
    await writeBenchmarkFile(path, bench);
    const copy = await Benchmark.open(path);
    expect([...copy.runs()]).toEqual([...bench.runs()]);
    const run = new Run(copy, { seed: 222 });
    const keys = [
      { cellCode: '0|10|210', lr: 0.2, batchSize: 64 },
      { cellCode: '2|30|000', lr: 0.1, batchSize: 512 }, // a member of class '0|00|032'
      { cellCode: '0|11|002', lr: 0.2, batchSize: 256 }, // a member of class '0|00|112'
    ];
    const answers = keys.map((key) => run.query(key).accuracy);
    const best = answers.indexOf(Math.max(...answers));
    const results = run.results();
    expect(results.bestKey).toEqual(keys[best]);
    const official = (epoch: number, mode: string) =>
      expected.queries.find(
        (q) =>
          q.epoch === epoch &&
          q.cellCode === keys[best].cellCode &&
          q.lr === keys[best].lr &&
          q.batchSize === keys[best].batchSize &&
          (epoch === 200 || (q.mode === mode && q.seed === 222 && (q.iepoch ?? 12) === 12)),
      );
    const long = official(200, 'test');
    if (long) expect(results.testAccuracy200).toBe(long.accuracy);
    expect(results.testAccuracy200).toBe(copy.query(keys[best], { epoch: 200 }).accuracy);
    expect(results.testAccuracy12).toBe(
      copy.query(keys[best], { mode: 'test', seed: 222 }).accuracy,
    );
  });
});

describe('importOfficial refuses bad input with one clear line', () => {
  async function folderWith(bench12: string): Promise<string> {
    const dir = await mkdtemp(join(folder, 'case-'));
    await copyFile(join(FIXTURES, bench12), join(dir, 'bench12.pkl'));
    await copyFile(join(FIXTURES, 'cellinfo.pkl'), join(dir, 'cellinfo.pkl'));
    await copyFile(join(FIXTURES, 'avgaccs200.pkl'), join(dir, 'avgaccs200.pkl'));
    return dir;
  }

  it('refuses a hostile pickle that would run a command', async () => {
    const dir = await folderWith('hostile-reduce-p4.pkl');
    await expect(importOfficial(dir)).rejects.toThrow(
      /^dataset: cannot read bench12\.pkl: global 'posix\.system' is not allowed/,
    );
  });

  it('names a missing file', async () => {
    await expect(importOfficial(join(folder, 'nothing'))).rejects.toThrow(
      /cannot read '.*bench12\.pkl'; the folder must hold bench12\.pkl, cellinfo\.pkl, avgaccs200\.pkl/,
    );
  });

  const without = (dict: PyValue, drop: string): PyDict => {
    const copy = new PyDict();
    const source = dict as PyDict;
    source.keys.forEach((key, i) => {
      if (key !== drop) copy.set(key, source.values[i]);
    });
    return copy;
  };

  it('names a missing required column, and tolerates missing optional ones', () => {
    expect(() =>
      convertOfficial({ ...parsed, bench12: without(parsed.bench12, 'valid_time_3') }),
    ).toThrow(/^dataset: bench12\.pkl: lacks column 'valid_time_3' \(1 required columns missing\)/);
    expect(() =>
      convertOfficial({ ...parsed, avgaccs200: without(parsed.avgaccs200, 'avg_acc') }),
    ).toThrow(/avgaccs200\.pkl: lacks column 'avg_acc'/);
    const lean = convertOfficial({
      ...parsed,
      bench12: without(without(parsed.bench12, 'test_loss_4'), 'total_test_time'),
    });
    expect(lean.warnings.join('\n')).toMatch(/35 of 36 loss columns/);
    expect(lean.warnings.join('\n')).toMatch(
      /lacks total_test_time; costs at the last epoch are sums/,
    );
    expect(lean.runs[0].testLoss[4]).toBeNaN();
    expect(lean.runs[0].totalSeconds).toBeUndefined();
  });

  it('refuses cellinfo hashes that disagree with the equivalence classes', () => {
    const hashes = (parsed.cellinfo as PyDict).get('hash') as PyDict;
    const merged = new PyDict();
    hashes.keys.forEach((code, i) => {
      merged.set(code, code === '0|00|112' ? hashes.get('0|10|210')! : hashes.values[i]);
    });
    const cellinfo = new PyDict();
    cellinfo.set('hash', merged);
    expect(() => convertOfficial({ ...parsed, cellinfo })).toThrow(FormatError);
    expect(() => convertOfficial({ ...parsed, cellinfo })).toThrow(
      /groups .* with 0\|00\|112|split over two hashes/,
    );
  });
});

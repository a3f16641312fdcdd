import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Benchmark, makeSyntheticRecords } from '@nashpobench2/dataset';
import { appendRuns, writeBenchmarkFile } from '@nashpobench2/dataset/node';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

const OFFICIAL = fileURLToPath(
  new URL('../../../../packages/dataset/src/__fixtures__/official/', import.meta.url),
);
const folder = await mkdtemp(join(tmpdir(), 'nhb-dataset-cli-'));
afterAll(() => rm(folder, { recursive: true, force: true }));
const data = makeSyntheticRecords({ classes: [2, 40], rngSeed: 9 });

describe('nhb dataset import-official', () => {
  it('converts the Python-made fixture pickles, and the result answers queries', async () => {
    const out = join(folder, 'official.parquet');
    const { status, stdout, stderr } = await run(
      'dataset',
      'import-official',
      OFFICIAL,
      '--out',
      out,
      '--json',
    );
    expect(status).toBe(0);
    const report = JSON.parse(stdout[0]);
    expect(report.coverage).toMatchObject({ runs: 54, classes: 3, longRecords: 18 });
    expect(stderr).toEqual(['warning: bench12.pkl columns not imported: weight_norm_11']);

    const expected = JSON.parse(await readFile(join(OFFICIAL, 'expected.json'), 'utf8'));
    const query = expected.queries.find(
      (q: { iepoch: number | null; epoch: number }) => q.epoch === 12 && q.iepoch === 6,
    );
    const answer = await run(
      'query',
      query.cellCode,
      '--lr',
      String(query.lr),
      '--batch-size',
      String(query.batchSize),
      '--mode',
      query.mode,
      '--iepoch',
      '6',
      '--seed',
      String(query.seed),
      '--data',
      out,
      '--json',
    );
    expect(JSON.parse(answer.stdout[0])).toMatchObject({
      accuracy: query.accuracy,
      cost: query.cost,
    });
  });

  it('refuses a hostile pickle in one line and writes nothing', async () => {
    const dir = join(folder, 'hostile');
    await mkdir(dir);
    await copyFile(join(OFFICIAL, 'hostile-os-system-p0.pkl'), join(dir, 'bench12.pkl'));
    await copyFile(join(OFFICIAL, 'cellinfo.pkl'), join(dir, 'cellinfo.pkl'));
    await copyFile(join(OFFICIAL, 'avgaccs200.pkl'), join(dir, 'avgaccs200.pkl'));
    const out = join(dir, 'out.parquet');
    const { status, stderr } = await run('dataset', 'import-official', dir, '--out', out);
    expect(status).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      /^nhb: dataset: cannot read bench12\.pkl: global 'os\.system' is not allowed/,
    );
    expect(await readdir(dir)).not.toContain('out.parquet');
  });
});

describe('nhb dataset info, validate and merge', () => {
  it('reports sizes, protocol, seeds and coverage', async () => {
    const path = join(folder, 'two-classes.parquet');
    await writeBenchmarkFile(path, Benchmark.fromRecords(data.runs, data.long, data.metadata));
    const { status, stdout } = await run('dataset', 'info', '--data', path, '--json');
    expect(status).toBe(0);
    const info = JSON.parse(stdout[0]);
    expect(info.source.files).toBe(1);
    expect(info.source.bytes).toBeGreaterThan(1000);
    expect(info.formatVersion).toBe(1);
    expect(info.protocol).toEqual(data.metadata.protocol);
    expect(info.seeds).toEqual([222, 555, 888]);
    // 2 classes × 48 pairs per seed
    expect(info.runsPerSeed).toEqual({ 222: 96, 555: 96, 888: 96 });
    expect(info.coverage).toMatchObject({ runs: 288, trainings: 96, classes: 2 });
    expect(info.predictedRuns + info.coverage.measuredRuns).toBe(288);
    const measuredRuns = data.runs.filter((r) => r.measured);
    const measuredLong = data.long.filter((r) => r.measured);
    expect(info.measured).toEqual({
      trainings: new Set(measuredRuns.map((r) => `${r.classId}/${r.lr}/${r.batchSize}`)).size,
      classes: new Set(measuredRuns.map((r) => r.classId)).size,
      longTrainings: measuredLong.length,
      longClasses: new Set(measuredLong.map((r) => r.classId)).size,
    });
    const text = await run('dataset', 'info', '--data', path);
    expect(text.stdout.find((line) => line.startsWith('trainings'))).toBe(
      'trainings       96 of 48,528 (0.2 %); 96 with every seed',
    );
    expect(text.stdout.find((line) => line.startsWith('measured'))).toBe(
      `measured        96 of 48,528 trainings (0.2 %) in 2 classes; long: ${measuredLong.length} in ${new Set(measuredLong.map((r) => r.classId)).size} classes`,
    );
  });

  it('validates: exit 0 with warnings for a partial grid, 1 with --complete or a broken file', async () => {
    const path = join(folder, 'two-classes.parquet');
    const ok = await run('dataset', 'validate', path);
    expect(ok.status).toBe(0);
    expect(ok.stdout.at(-1)).toMatch(/: valid \(1 part file, 384 rows, 0 errors, \d+ warnings\)$/);
    const strict = await run('dataset', 'validate', path, '--complete');
    expect(strict.status).toBe(1);
    expect(strict.stdout[0]).toMatch(/^error: 48432 of 48528 trainings/);

    const cut = join(folder, 'cut.parquet');
    const bytes = await readFile(path);
    await writeFile(cut, bytes.subarray(0, bytes.length - 50));
    const broken = await run('dataset', 'validate', cut, '--json');
    expect(broken.status).toBe(1);
    const report = JSON.parse(broken.stdout[0]);
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatch(/truncated or corrupt/);
  });

  it('merges part folders into one file and refuses duplicates', async () => {
    const sweep = join(folder, 'sweep');
    const bySeed = (seed: number) => data.runs.filter((r) => r.seed === seed);
    await appendRuns(sweep, bySeed(222), data.metadata);
    await appendRuns(sweep, bySeed(555), data.metadata);
    const extra = join(folder, 'extra.parquet');
    await writeBenchmarkFile(extra, Benchmark.fromRecords(bySeed(888), data.long, data.metadata));
    const out = join(folder, 'merged.parquet');
    const merged = await run('dataset', 'merge', sweep, extra, '--out', out, '--json');
    expect(merged.status).toBe(0);
    expect(JSON.parse(merged.stdout[0]).coverage).toMatchObject({
      runs: 288,
      longRecords: 96,
      completeTrainings: 96,
    });
    const original = Benchmark.fromRecords(data.runs, data.long, data.metadata);
    const copy = await Benchmark.open(out);
    expect([...copy.runs()]).toEqual([...original.runs()]);

    const twice = await run(
      'dataset',
      'merge',
      sweep,
      sweep,
      '--out',
      join(folder, 'twice.parquet'),
    );
    expect(twice.status).toBe(1);
    expect(twice.stderr[0]).toMatch(/duplicate run with seed 222/);
    expect(await readdir(folder)).not.toContain('twice.parquet');
  });
});

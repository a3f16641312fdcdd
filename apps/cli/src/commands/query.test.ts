import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Benchmark, makeSyntheticRecords, type RunRecord } from '@nashpobench2/dataset';
import { writeBenchmarkFile } from '@nashpobench2/dataset/node';
import { cellClasses } from '@nashpobench2/search-space';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

const folder = await mkdtemp(join(tmpdir(), 'nhb-query-'));
afterAll(() => rm(folder, { recursive: true, force: true }));
const CLASS = cellClasses()[13]; // six equivalent codes
const data = makeSyntheticRecords({ classes: [CLASS.id, 173], rngSeed: 4 });
const path = join(folder, 'bench.parquet');
await writeBenchmarkFile(path, Benchmark.fromRecords(data.runs, data.long, data.metadata));

const runOf = (seed: number): RunRecord =>
  data.runs.find(
    (r) => r.classId === CLASS.id && r.lr === 0.1 && r.batchSize === 256 && r.seed === seed,
  )!;
const sum = (values: number[], epochs: number) =>
  values.slice(0, epochs).reduce((a, b) => a + b, 0);
const TOLERANCE = 1e-9;

describe('nhb query', () => {
  it('answers with the official meaning of accuracy and cost for each mode and iepoch', async () => {
    const record = runOf(555);
    const passes = {
      train: ['trainSeconds'],
      valid: ['trainSeconds', 'validSeconds'],
      test: ['trainSeconds', 'validSeconds', 'testSeconds'],
    } as const;
    for (const mode of ['train', 'valid', 'test'] as const) {
      for (const iepoch of [1, 6, 12]) {
        const { status, stdout } = await run(
          'query',
          CLASS.representative,
          '--lr',
          '0.1',
          '--batch-size',
          '256',
          '--mode',
          mode,
          '--iepoch',
          String(iepoch),
          '--seed',
          '555',
          '--data',
          path,
          '--json',
        );
        expect(status).toBe(0);
        const answer = JSON.parse(stdout[0]);
        expect(answer.accuracy).toBe(record[`${mode}Accuracy`][iepoch - 1]);
        const cost = passes[mode].reduce((total, series) => total + sum(record[series], iepoch), 0);
        expect(Math.abs(answer.cost - cost)).toBeLessThan(TOLERANCE * cost);
        expect(answer).toMatchObject({ epoch: 12, mode, iepoch, seed: 555, measured: true });
        expect(answer.key).toMatchObject({
          cellCode: CLASS.representative,
          lr: 0.1,
          batchSize: 256,
          classId: CLASS.id,
        });
      }
    }
  });

  it('averages over the seeds by default and answers equivalent codes identically', async () => {
    const answers = [];
    for (const code of CLASS.members) {
      const { stdout } = await run(
        'query',
        code,
        '--lr',
        '0.1',
        '--batch-size',
        '256',
        '--data',
        path,
        '--json',
      );
      answers.push(JSON.parse(stdout[0]));
    }
    const mean =
      [222, 555, 888].reduce((total, seed) => total + runOf(seed).validAccuracy[11], 0) / 3;
    expect(answers[0].accuracy).toBeCloseTo(mean, 12);
    expect(answers[0].seed).toBeNull();
    expect(answers[0].seeds).toEqual([222, 555, 888]);
    for (const answer of answers) {
      expect(answer.accuracy).toBe(answers[0].accuracy);
      expect(answer.cost).toBe(answers[0].cost);
      expect(answer.key.representative).toBe(CLASS.representative);
    }
  });

  it('gives the long-training value and a null cost at epoch 200, and prints text', async () => {
    const long = data.long.find(
      (r) => r.classId === CLASS.id && r.lr === 0.1 && r.batchSize === 256,
    )!;
    const json = await run(
      'query',
      CLASS.members[2],
      '--lr',
      '0.1',
      '--batch-size',
      '256',
      '--epoch',
      '200',
      '--data',
      path,
      '--json',
    );
    expect(JSON.parse(json.stdout[0])).toMatchObject({
      accuracy: long.testAccuracy,
      cost: null,
      mode: null,
      iepoch: null,
    });
    const text = await run(
      'query',
      CLASS.members[2],
      '--lr',
      '0.1',
      '--batch-size',
      '256',
      '--data',
      path,
      '--seed',
      '222',
    );
    expect(text.stdout[0]).toBe(
      `${CLASS.members[2]} (class ${CLASS.id}, answered by its representative ${CLASS.representative}), lr 0.1, batch size 256`,
    );
    expect(text.stdout[1]).toBe(
      `accuracy  ${runOf(222).validAccuracy[11].toFixed(3)} % (valid, after epoch 12, seed 222, measured)`,
    );
    expect(text.stdout[2]).toMatch(
      /^cost {6}\d+\.\d{3} s \(train \+ valid passes of epochs 1\.\.12\)$/,
    );
  });

  it('fails with one line naming the bad value and what is allowed', async () => {
    const base = [CLASS.representative, '--data', path];
    const cases: [string[], number, RegExp][] = [
      [
        [...base, '--lr', '0.3', '--batch-size', '256'],
        1,
        /learning rate 0\.3 is not valid; allowed: 0\.003125, 0\.00625/,
      ],
      [[...base, '--lr', 'fast', '--batch-size', '256'], 2, /--lr must be a number, got 'fast'/],
      [
        [...base, '--lr', '0.1', '--batch-size', '100'],
        1,
        /batch size 100 is not valid; allowed: 16, 32, 64, 128, 256, 512/,
      ],
      [
        [...base, '--lr', '0.1', '--batch-size', '256', '--seed', '1'],
        1,
        /seed 1 is not valid; allowed: 222, 555, 888/,
      ],
      [
        [...base, '--lr', '0.1', '--batch-size', '256', '--iepoch', '13'],
        1,
        /iepoch 13 is not valid; allowed: integers 1\.\.12/,
      ],
      [
        [...base, '--lr', '0.1', '--batch-size', '256', '--epoch', '50'],
        1,
        /epoch 50 is not valid; allowed: 12, 200/,
      ],
      [
        [...base, '--lr', '0.1', '--batch-size', '256', '--mode', 'dev'],
        1,
        /mode 'dev' is not valid; allowed: 'train', 'valid', 'test'/,
      ],
      [
        [...base, '--lr', '0.1', '--batch-size', '256', '--epoch', '200', '--iepoch', '3'],
        1,
        /iepoch 3 is not valid; allowed: none at epoch 200/,
      ],
      [
        ['4|00|000', '--data', path, '--lr', '0.1', '--batch-size', '256'],
        1,
        /cell code '4\|00\|000' is not valid/,
      ],
      [
        [
          CLASS.representative,
          '--data',
          path,
          '--lr',
          '0.1',
          '--batch-size',
          '16',
          '--epoch',
          '12',
        ],
        0,
        /./,
      ],
      [
        ['0|00|000', '--data', path, '--lr', '0.1', '--batch-size', '256'],
        1,
        /no run for 0\|00\|000 lr=0\.1 batch size 256/,
      ],
      [[...base, '--batch-size', '256'], 2, /required option '--lr <rate>' not specified/],
      [
        [
          CLASS.representative,
          '--lr',
          '0.1',
          '--batch-size',
          '256',
          '--data',
          join(folder, 'none.parquet'),
        ],
        1,
        /no benchmark at/,
      ],
    ];
    for (const [argv, status, message] of cases) {
      const result = await run('query', ...argv);
      expect(result.status, argv.join(' ')).toBe(status);
      if (status === 0) continue;
      expect(result.stderr, argv.join(' ')).toHaveLength(1);
      expect(result.stderr[0]).toMatch(message);
    }
  });

  it('answers from the embedded benchmark without --data, as Benchmark.open() does', async () => {
    const embedded = await Benchmark.open();
    const key = { cellCode: '0|00|000', lr: 0.1, batchSize: 64 };
    const { status, stdout } = await run(
      'query',
      key.cellCode,
      '--lr',
      '0.1',
      '--batch-size',
      '64',
      '--mode',
      'test',
      '--iepoch',
      '7',
      '--json',
    );
    expect(status).toBe(0);
    const answer = JSON.parse(stdout[0]);
    const expected = embedded.query(key, { mode: 'test', iepoch: 7 });
    expect(answer.accuracy).toBe(expected.accuracy);
    expect(answer.cost).toBeCloseTo(expected.cost as number, 9);
    expect(answer.seeds).toEqual([...embedded.seeds]);
  });

  it('says whether the run of the asked seed was measured', async () => {
    const mixedPath = join(folder, 'mixed.parquet');
    const runs = data.runs.map((r) =>
      r.classId === CLASS.id && r.lr === 0.1 && r.batchSize === 256 && r.seed === 555
        ? { ...r, measured: false }
        : r,
    );
    await writeBenchmarkFile(mixedPath, Benchmark.fromRecords(runs, data.long, data.metadata));
    const argv = ['query', CLASS.representative, '--lr', '0.1', '--batch-size', '256'];
    const flag = async (...extra: string[]) =>
      JSON.parse((await run(...argv, ...extra, '--data', mixedPath, '--json')).stdout[0]).measured;
    expect(await flag('--seed', '222')).toBe(true);
    expect(await flag('--seed', '555')).toBe(false);
    expect(await flag()).toBe(false); // the seed mean includes a predicted run
  });

  it('refuses a mode other than test at the long epoch instead of ignoring it', async () => {
    const { status, stderr } = await run(
      'query',
      CLASS.representative,
      '--lr',
      '0.1',
      '--batch-size',
      '256',
      '--epoch',
      '200',
      '--mode',
      'train',
      '--data',
      path,
    );
    expect(status).toBe(2);
    expect(stderr[0]).toMatch(/--mode train does not apply at epoch 200.*allowed: test/);
  });
});

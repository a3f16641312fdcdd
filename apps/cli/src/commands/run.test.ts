import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSyntheticRecords } from '@nashpobench2/dataset';
import { writeBenchmark } from '@nashpobench2/dataset/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

describe('nhb run', () => {
  it('rejects unknown optimizers, bad budgets, seeds and runs in one line', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['run', 'simulated-annealing'],
        /optimizer 'simulated-annealing' is not valid; allowed: random-search/,
      ],
      [['run', 'bohb', '--budget', '0'], /--budget must be seconds > 0/],
      [['run', 'bohb', '--budget', '-5'], /--budget must be seconds > 0/],
      [['run', 'bohb', '--seed', '-1'], /--seed must be an integer ≥ 0/],
      [['run', 'bohb', '--runs', '0'], /--runs must be an integer ≥ 1/],
      [['run', 'bohb', '--runs', ' '], /--runs must be an integer ≥ 1, got ' '/],
      [
        ['run', 'bohb', '--threads', String(availableParallelism() + 1)],
        new RegExp(
          `^nhb: --threads must be at most ${availableParallelism()} \\(the cores of this machine; ` +
            `each thread holds its own copy of the benchmark\\), got '${availableParallelism() + 1}'$`,
        ),
      ],
      [['run', 'bohb', '--seed', '1e30'], /--seed must be an integer ≥ 0, got '1e30'/],
      [
        ['run', 'bohb', '--seed', '9007199254740991', '--runs', '2'],
        /^nhb: --seed 9007199254740991 with --runs 2 passes 9007199254740991 \(the largest run seed\)$/,
      ],
      [['run', 'bohb', '--set', 'bohb.colour=1'], /colour/],
      [['run', 'bohb', '--query-seed', 'some'], /--query-seed/],
      [['run', 'bohb', '--budget-evals', '0'], /--budget-evals must be a number > 0, got '0'/],
      [['run', 'bohb', '--budget', '5', '--budget-evals', '5'], /not both/],
      [['run', 'bohb', '--set', 'bohb.eta=1'], /bohb.eta 1 is not valid; allowed: numbers ≥ 2/],
      [['run', 'bohb', '--data', 'synthetic', '--query-seed', '7'], /--query-seed 7 is not/],
      [['run', 'bohb', '--data', '/nonexistent/bench.parquet'], /--data: cannot read/],
    ];
    for (const [argv, message] of cases) {
      const { status, stderr } = await run(...argv);
      expect(status).not.toBe(0);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
    }
  });

  it('runs one optimizer on the synthetic benchmark and prints its final numbers', async () => {
    const { status, stdout } = await run(
      'run',
      'regularized-evolution',
      '--data',
      'synthetic',
      '--runs',
      '4',
      '--budget-evals',
      '10',
      '--workers',
      '2',
      '--json',
    );
    expect(status).toBe(0);
    const summary = JSON.parse(stdout.join(''));
    expect(summary.runs).toBe(4);
    // 10 × the mean full evaluation: the conversion the table and JSON report
    expect(summary.budgetSeconds).toBeCloseTo(10 * summary.meanFullEvaluationSeconds, 9);
    expect(summary.budgetEvaluations).toBeCloseTo(10, 12);
    expect(summary.workers).toBe(2);
    expect(summary.seeds).toEqual([0, 1, 2, 3]);
    const [rea] = summary.optimizers;
    expect(rea.id).toBe('regularized-evolution');
    expect(rea.finalTestAccuracy12.n).toBe(4);
    expect(rea.finalTestAccuracy12.mean).toBeGreaterThan(10);
    expect(rea.finalTestAccuracy12.mean).toBeLessThanOrEqual(summary.optimumShortPct);
  });

  it("reports BOHB's evaluations by the budget and in all, and a first stage as long as the budget", async () => {
    const bohb = await run(
      'run',
      'bohb',
      '--data',
      'synthetic',
      '--runs',
      '2',
      '--budget',
      '3000',
      '--json',
    );
    expect(bohb.status).toBe(0);
    const [entry] = JSON.parse(bohb.stdout.join('')).optimizers;
    // BOHB runs its 40 iterations past the budget: the total exceeds the count by the budget,
    // and the table's note gives the same total as the JSON.
    expect(entry.evaluationsAtEnd.mean).toBeGreaterThan(entry.evaluations.mean);
    const table = await run(
      'run',
      'bohb',
      '--data',
      'synthetic',
      '--runs',
      '2',
      '--budget',
      '3000',
    );
    const row = table.stdout.find((line) => line.startsWith('bohb '));
    expect(row).toMatch(new RegExp(`^bohb\\s+${entry.evaluations.mean.toFixed(1)}\\s`));
    expect(table.stdout.join('\n')).toContain(
      `, ${entry.evaluationsAtEnd.mean.toFixed(1)} evaluations)`,
    );

    const long = await run(
      'run',
      'rs-then-rea',
      '--data',
      'synthetic',
      '--runs',
      '1',
      '--budget',
      '2000',
      '--set',
      'rs-then-rea.firstStageSeconds=3000',
    );
    expect(long.status).toBe(0);
    expect(long.stdout).toContain(
      'note: the first stage of rs-then-rea (3000 s) is not shorter than the budget (2000 s): its second stage never runs',
    );
    const usual = await run(
      'run',
      'rs-then-rea',
      '--data',
      'synthetic',
      '--runs',
      '1',
      '--budget',
      '2000',
    );
    expect(usual.stdout.some((line) => line.includes('first stage'))).toBe(false);
  });

  it("queries one fixed training seed when asked, as the authors' scripts do", async () => {
    const { status, stdout } = await run(
      'run',
      'random-search',
      '--data',
      'synthetic',
      '--runs',
      '2',
      '--budget',
      '2000',
      '--query-seed',
      '222',
    );
    expect(status).toBe(0);
    expect(stdout[0]).toMatch(/^budget 2000 s \([0-9.]+ × the mean full evaluation, [0-9.]+ s\)/);
    expect(stdout[0]).toMatch(/query seed 222$/);
    expect(stdout[2]).toMatch(/^random-search\s+\d+\.\d\s+\d+\.\d\d ± \d+\.\d\d/);
  });

  describe('bad output paths and partial benchmarks', () => {
    let folder = '';
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'nhb-run-paths-'));
    });
    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('rejects --out and --plot it cannot write before any run starts, in one line', async () => {
      const file = join(folder, 'a-file');
      await writeFile(file, 'x');
      await mkdir(join(folder, 'a-folder'));
      await mkdir(join(folder, 'a-folder.json'));
      const base = ['run', 'random-search', '--data', 'synthetic', '--runs', '1'];
      const cases: [string[], string][] = [
        [
          ['--plot', join(folder, 'figure.pdf')],
          `nhb: --plot must be a file name ending in .svg or .png, got '${join(folder, 'figure.pdf')}'`,
        ],
        [
          ['--out', join(folder, 'results.parquet')],
          `nhb: --out must be a file name ending in .json, got '${join(folder, 'results.parquet')}'`,
        ],
        [
          ['--out', join(folder, 'a-folder.json')],
          `nhb: --out '${join(folder, 'a-folder.json')}' is a folder; give a file name`,
        ],
        [
          ['--out', join(file, 'results.json')],
          `nhb: --out '${join(file, 'results.json')}' cannot be created: '${file}' is not a folder`,
        ],
      ];
      for (const [flags, message] of cases) {
        const { status, stdout, stderr } = await run(...base, ...flags);
        expect(status).toBe(2);
        expect(stdout).toEqual([]);
        expect(stderr).toEqual([message]);
      }
      // nothing was written, not even a temporary file
      expect((await readdir(folder)).sort()).toEqual(['a-file', 'a-folder', 'a-folder.json']);
    });

    it('creates the folders of --out and leaves only the results there', async () => {
      const out = join(folder, 'new folder', 'below', 'results.json');
      const argv = ['run', 'random-search', '--data', 'synthetic', '--runs', '1'];
      const { status, stderr } = await run(...argv, '--budget', '500', '--out', out);
      expect(stderr).toEqual([]);
      expect(status).toBe(0);
      expect(await readdir(join(folder, 'new folder', 'below'))).toEqual(['results.json']);
    });

    it('says up front that a partial benchmark cannot be searched', async () => {
      const records = makeSyntheticRecords({ classes: 3, seeds: [1] });
      const data = join(folder, 'partial.parquet');
      await writeBenchmark(data, records.runs, records.long, records.metadata);
      const { status, stderr } = await run('run', 'random-search', '--data', data, '--runs', '1');
      expect(status).toBe(2);
      // classes 0, 1 and 2 hold one cell code each ('0|00|000', '0|00|001', '0|00|002'): 3 × 48
      expect(stderr).toEqual([
        `nhb: --data: '${data}' answers 12-epoch queries for 144 of 196,608 configurations ` +
          '(3 of 1,011 classes); optimizers search the whole space, so run and compare need a ' +
          'complete benchmark (nhb surrogate fit completes a partial one)',
      ]);
    });
  });

  it('says when runs stop at the harness evaluation cap instead of the budget', async () => {
    // 30 simulated workers on a budget of 5,000 × the mean full evaluation would start about
    // 1.8 million evaluations of 1 epoch; the cap ends the runs and the table says so
    const { status, stdout } = await run(
      'run',
      'random-search',
      '--data',
      'synthetic',
      '--runs',
      '1',
      '--budget-evals',
      '5000',
      '--workers',
      '30',
      '--threads',
      '1',
      '--set',
      'random-search.epochs=1',
      '--json',
    );
    expect(status).toBe(0);
    const [optimizer] = JSON.parse(stdout.join('')).optimizers;
    expect(optimizer.evaluations.mean).toBe(1_000_000);
    expect(optimizer.cappedRuns).toBe(1);
  }, 60_000);

  it('says when no evaluation finished within a budget too small for one', async () => {
    const { status, stdout } = await run(
      'run',
      'random-search',
      '--data',
      'synthetic',
      '--runs',
      '2',
      '--budget',
      '0.5',
      '--threads',
      '1',
    );
    expect(status).toBe(0);
    // evals counts evaluations finished by the budget: none here.
    expect(stdout[2]).toMatch(/^random-search\s+0\.0\s+— ± —\s+— ± —/);
    expect(stdout).toContain(
      'note: no evaluation of random-search finished within the budget of 0.500 s (— above); ' +
        'raise --budget or --budget-evals',
    );
  });

  it('explains --budget as simulated clock time, which k workers share', async () => {
    const { status, stdout } = await run('run', '--help');
    expect(status).toBe(0);
    const help = stdout.join('\n').replace(/\s+/g, ' ');
    expect(help).toContain(
      '--budget <seconds> simulated seconds on the clock after which no evaluation starts; ' +
        "with one worker, the training cost (default: 20000 on the paper protocol's data, " +
        'else --budget-evals 100)',
    );
  });
});

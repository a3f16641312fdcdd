import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

describe('nhb compare', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'nhb-compare-'));
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('runs on the embedded benchmark by default with a budget of 100 mean evaluations', async () => {
    const { status, stdout } = await run('compare', 'random-search', '--runs', '2', '--json');
    expect(status).toBe(0);
    const summary = JSON.parse(stdout.join('\n'));
    expect(summary.budgetEvaluations).toBeCloseTo(100, 9);
    expect(summary.budgetSeconds).toBeGreaterThan(0);
  });

  it('compares the paper baselines, writes results and a plot, and reloads them', async () => {
    const out = join(folder, 'results.json');
    const plot = join(folder, 'figure.svg');
    const first = await run(
      'compare',
      'paper',
      '--data',
      'synthetic',
      '--runs',
      '3',
      '--budget',
      '4000',
      '--out',
      out,
      '--plot',
      plot,
      '--json',
    );
    expect(first.status).toBe(0);
    const summary = JSON.parse(first.stdout.join(''));
    expect(summary.optimizers.map((o: { id: string }) => o.id)).toEqual([
      'random-search',
      'regularized-evolution',
      'reinforce',
      'bohb',
      'rs-then-rea',
      'bohb-then-rea',
    ]);
    for (const optimizer of summary.optimizers) {
      expect(Object.keys(optimizer.finalTestAccuracy12)).toEqual(['mean', 'se', 'n']);
      expect(optimizer.finalTestAccuracy200.n).toBe(3);
    }
    // paired differences against random search, the first optimizer of 'paper'
    expect(summary.reference).toBe('random-search');
    expect(summary.optimizers[0].differenceTestAccuracy12).toEqual({ mean: 0, se: 0, n: 3 });
    const [rs, rea] = summary.optimizers;
    expect(rea.differenceTestAccuracy12.mean).toBeCloseTo(
      rea.finalTestAccuracy12.mean - rs.finalTestAccuracy12.mean,
      9,
    );
    expect(await readFile(plot, 'utf8')).toMatch(/^<svg/);

    const saved = JSON.parse(await readFile(out, 'utf8'));
    expect(saved.harness).toMatchObject({ budgetSeconds: 4000, runs: 3, seeds: [0, 1, 2] });
    expect(saved.optimizers[3].settings.iterations).toBe(40);

    const reloaded = await run('compare', '--from', out, '--json');
    expect(JSON.parse(reloaded.stdout.join(''))).toEqual({ ...summary, out: undefined });

    const table = await run('compare', '--from', out, '--plot', join(folder, 'figure.png'));
    expect(table.stdout[1]).toMatch(/^optimizer\s+evals\s+test@12.*Δ@12 vs random-search$/);
    expect(table.stdout[2]).toMatch(/^random-search .* —$/);
    expect(table.stdout.some((line) => line.startsWith('note: bohb stops'))).toBe(true);
    const png = await readFile(join(folder, 'figure.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });

  it('rejects an empty optimizer list in one line instead of hanging', async () => {
    for (const list of ['', ',', ' , ']) {
      const { status, stderr } = await run('compare', list, '--data', 'synthetic', '--runs', '1');
      expect(status).toBe(1);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(
        /^nhb: optimizers: optimizer list '.*' is not valid; allowed: 'paper', 'all' or a comma list of ids: random-search, /,
      );
    }
  });

  it('keeps finished runs in <out>.partial and resumes from them after an interruption', async () => {
    const out = join(folder, 'resumed.json');
    const journal = `${out}.partial`;
    const argv = ['compare', 'random-search,tpe', '--data', 'synthetic', '--runs', '3'].concat([
      '--budget',
      '3000',
      '--threads',
      '1',
      '--out',
      out,
      '--json',
    ]);
    const whole = await run(...argv);
    expect(whole.status).toBe(0);
    expect(whole.stderr).toEqual([]);
    // the journal is gone once the results file holds every run
    expect((await readdir(folder)).filter((name) => name.startsWith('resumed'))).toEqual([
      'resumed.json',
    ]);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    await rm(out);

    // an interrupted run of the same command: the header, three finished runs (one of them
    // marked, to show it is taken rather than run again) and a line torn by the kill
    const header = {
      kind: 'nhb-run-journal',
      version: 1,
      context: {
        data: { kind: 'synthetic' },
        protocol: saved.benchmark.protocol,
        seeds: saved.benchmark.seeds,
        budgetSeconds: 3000,
        workers: 1,
        querySeed: 'per-run',
        incumbent: 'any-fidelity',
      },
    };
    const entry = (o: number, r: number, change = {}) =>
      JSON.stringify({
        id: saved.optimizers[o].id,
        settings: saved.optimizers[o].settings,
        seed: r,
        run: { ...saved.optimizers[o].runs[r], ...change },
      });
    const lines = [JSON.stringify(header), entry(0, 0), entry(0, 2, { evaluations: 12345 })];
    lines.push(entry(1, 1), entry(1, 2).slice(0, 200));
    await writeFile(journal, lines.join('\n'));

    const resumed = await run(...argv);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toEqual([`resuming: 3 of 6 runs finished before (${journal})`]);
    const again = JSON.parse(await readFile(out, 'utf8'));
    expect(again.optimizers[0].runs[2].evaluations).toBe(12345);
    again.optimizers[0].runs[2].evaluations = saved.optimizers[0].runs[2].evaluations;
    expect(again).toEqual(saved);
    expect(existsSync(journal)).toBe(false);

    // a journal made with other harness options is not used
    await writeFile(journal, [JSON.stringify({ ...header, context: {} }), entry(0, 0)].join('\n'));
    const fresh = await run(...argv);
    expect(fresh.stderr).toEqual([]);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(saved);
  }, 60_000);

  it('reports an unreadable --from file in one line', async () => {
    const bad = join(folder, 'garbage.json');
    await writeFile(bad, 'garbage\n');
    const { status, stderr } = await run('compare', '--from', bad);
    expect(status).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^nhb: .*garbage/);
    expect(stderr[0]).not.toContain('\n');
  });

  it('refuses flags that --from would silently ignore', async () => {
    const results = join(folder, 'results.json');
    const cases: [string[], string][] = [
      [['paper'], "'paper'"],
      [['--runs', '7'], '--runs'],
      [['--budget-evals', '3', '--query-seed', 'mean'], '--budget-evals, --query-seed'],
    ];
    for (const [flags, named] of cases) {
      const { status, stderr } = await run('compare', '--from', results, ...flags);
      expect(status).toBe(2);
      expect(stderr).toEqual([
        `nhb: --from reloads saved runs, so ${named} cannot apply; only --plot and --json go with it`,
      ]);
    }
  });

  it('needs optimizers or --from', async () => {
    const { status, stderr } = await run('compare');
    expect(status).toBe(2);
    expect(stderr[0]).toMatch(/compare needs optimizers/);
  });
});

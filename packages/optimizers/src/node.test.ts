import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSyntheticBenchmark } from '@nashpobench2/dataset';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runExperiment, runKey, runOptimizer } from './experiment.js';
import {
  comparisonFigureSpec,
  OPTIMIZERS,
  parseResults,
  readResults,
  renderSvg,
  resultsToJson,
  runExperimentParallel,
  summarizeExperiment,
  writePlot,
  writeResults,
} from './node.js';

const bench = makeSyntheticBenchmark();
const OPTIONS = { budgetSeconds: 3000, runs: 3, seed: 5 };

describe('harness in Node', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'nhb-optimizers-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('gives the same runs on worker threads as in-process', async () => {
    const ids = ['regularized-evolution', 'bohb'];
    const inProcess = runExperiment(bench, ids, OPTIONS);
    const done: number[] = [];
    const parallel = await runExperimentParallel({ kind: 'synthetic' }, bench, ids, {
      ...OPTIONS,
      threads: 2,
      onRunDone: (count) => done.push(count),
    });
    expect(parallel).toEqual(inProcess);
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
  }, 60_000);

  it('takes finished runs as they are and reports only the runs it computes', async () => {
    const ids = ['random-search', 'tpe'];
    const whole = runExperiment(bench, ids, OPTIONS);
    // two runs finished before, marked so that taking them (not rerunning them) shows
    const marked = (run: RunResult): RunResult => ({ ...run, evaluations: -1 });
    const finishedRuns = new Map([
      [runKey('random-search', 6), marked(whole.optimizers[0].runs[1])],
      [runKey('tpe', 5), marked(whole.optimizers[1].runs[0])],
    ]);
    const expected = structuredClone(whole);
    (expected.optimizers[0].runs[1] as { evaluations: number }).evaluations = -1;
    (expected.optimizers[1].runs[0] as { evaluations: number }).evaluations = -1;

    const computed: string[] = [];
    const done: number[] = [];
    const inProcess = runExperiment(bench, ids, {
      ...OPTIONS,
      finishedRuns,
      onRun: (id, seed, run) => {
        computed.push(runKey(id, seed));
        expect(run.seed).toBe(seed);
      },
      onRunDone: (count) => done.push(count),
    });
    expect(inProcess).toEqual(expected);
    expect(computed).toEqual(['random-search#5', 'random-search#7', 'tpe#6', 'tpe#7']);
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);

    const parallelComputed: string[] = [];
    const parallel = await runExperimentParallel({ kind: 'synthetic' }, bench, ids, {
      ...OPTIONS,
      threads: 2,
      finishedRuns,
      onRun: (id, seed) => parallelComputed.push(runKey(id, seed)),
    });
    expect(parallel).toEqual(expected);
    expect(parallelComputed.sort()).toEqual(computed);

    // nothing left to run: no worker starts
    const allFinished = new Map(
      ids.flatMap((id, o) => whole.optimizers[o].runs.map((run) => [runKey(id, run.seed), run])),
    );
    const none = await runExperimentParallel({ kind: 'path', path: '/nonexistent' }, bench, ids, {
      ...OPTIONS,
      finishedRuns: allFinished,
    });
    expect(none).toEqual(whole);
  }, 60_000);

  it('records a fixed training seed and uses it for search and score', () => {
    const run = runOptimizer(bench, 'random-search', 1, { budgetSeconds: 2000, querySeed: 555 });
    expect(run.trainingSeed).toBe(555);
    const first = run.trajectory.index[0];
    expect(run.trajectory.validAccuracyPct[0]).toBe(bench.accuracyAt(first, 'valid', 12, 555));
    expect(run.trajectory.testAccuracyShortPct[0]).toBe(bench.accuracyAt(first, 'test', 12, 555));
    expect(() =>
      runOptimizer(bench, 'random-search', 1, { budgetSeconds: 9, querySeed: 7 }),
    ).toThrow(
      /querySeed 7 is not valid; allowed: 'per-run', 'mean' or a training seed of the benchmark: 222, 555, 888/,
    );
  });

  it('writes results atomically and reads them back equal, NaN included', async () => {
    const result = runExperiment(bench, ['random-search'], { ...OPTIONS, runs: 2 });
    (result.optimizers[0].runs[0].trajectory.testAccuracyLongPct as number[])[0] = Number.NaN;
    const path = join(folder, 'nested', 'results.json');
    await writeResults(path, result);
    expect(await readdir(join(folder, 'nested'))).toEqual(['results.json']);
    const back = await readResults(path);
    expect(back).toEqual(result);
    expect(Number.isNaN(back.optimizers[0].runs[0].trajectory.testAccuracyLongPct[0])).toBe(true);
    expect(resultsToJson(back)).toBe(await readFile(path, 'utf8'));
  });

  it('leaves no temporary file behind when the results or the plot cannot be written', async () => {
    const result = runExperiment(bench, ['random-search'], { ...OPTIONS, runs: 1 });
    const target = join(folder, 'taken');
    await mkdir(target);
    await expect(writeResults(target, result)).rejects.toThrow();
    const spec = comparisonFigureSpec(result, summarizeExperiment(result));
    const plotTarget = join(folder, 'taken.svg');
    await mkdir(plotTarget);
    await expect(writePlot(plotTarget, spec)).rejects.toThrow();
    expect((await readdir(folder)).filter((name) => name.includes('taken')).sort()).toEqual([
      'taken',
      'taken.svg',
    ]);
  }, 30_000);

  it('rejects files that are not results, in one line', async () => {
    expect(() => parseResults('{"kind":"other"}')).toThrow(/without kind/);
    expect(() => parseResults('nope')).toThrow(/not JSON/);
    // a file with the right kind but broken insides names the broken part
    const good = JSON.parse(
      resultsToJson(runExperiment(bench, ['random-search'], { ...OPTIONS, runs: 2 })),
    );
    // biome-ignore lint/suspicious/noExplicitAny: the test breaks arbitrary parts of the JSON
    const broken = (edit: (value: any) => void) => {
      const copy = structuredClone(good);
      edit(copy);
      return () => parseResults(JSON.stringify(copy));
    };
    expect(broken((v) => delete v.optimizers[0].runs[1].trajectory)).toThrow(
      /results 'a file whose optimizers\[0\]\.runs\[1\] has no seed or trajectory' is not valid; allowed: a results file/,
    );
    expect(broken((v) => (v.optimizers[0].runs = 'x'))).toThrow(
      /optimizers\[0\] has no id or runs/,
    );
    expect(broken((v) => (v.benchmark = null))).toThrow(/benchmark reference values/);
    expect(broken((v) => v.optimizers[0].runs[0].trajectory.index.pop())).toThrow(
      /optimizers\[0\]\.runs\[0\]\.trajectory\.timeSeconds is missing or broken/,
    );
    expect(broken(() => {})).not.toThrow();
    await expect(readResults(join(folder, 'missing.json'))).rejects.toThrow(
      /results path .* is not valid; allowed: a readable results file/,
    );
  });

  type Encoding = Record<string, { scale?: unknown; sort?: unknown }>;
  it('gives 11 optimizers 11 colours and keeps the run order in the legend and box plots', async () => {
    const ids = OPTIMIZERS.map((o) => o.id);
    const result = runExperiment(bench, ids, { budgetSeconds: 2000, runs: 3, seed: 1 });
    const spec = comparisonFigureSpec(result, summarizeExperiment(result)) as unknown as {
      vconcat: { layer?: { encoding: Encoding }[]; encoding?: Encoding }[];
    };
    const [short, long, boxes] = spec.vconcat;
    for (const encoding of [...short.layer!, ...long.layer!].map((l) => l.encoding)) {
      expect(encoding.color.scale).toEqual({ domain: ids, scheme: 'tableau20' });
    }
    expect(boxes.encoding!.color.scale).toEqual({ domain: ids, scheme: 'tableau20' });
    expect(boxes.encoding!.x.sort).toEqual(ids);
    // the rendered legend lists them in the run order, with 11 different colours
    const svg = await renderSvg(spec as never);
    const legend = svg.slice(svg.indexOf('role-legend'));
    const order = ids
      .map((id) => ({ id, at: legend.indexOf(`>${id}<`) }))
      .sort((a, b) => a.at - b.at);
    expect(order.map((o) => o.id)).toEqual(ids);
    const symbols = [
      ...legend.matchAll(
        /role-legend-symbol[^>]*>\s*<path[^>]*fill="(#[0-9a-f]{6})"[^>]*opacity="([0-9.]+)"/gi,
      ),
    ];
    expect(symbols).toHaveLength(11);
    expect(new Set(symbols.map((m) => m[1].toLowerCase())).size).toBe(11);
    // legend symbols as strong as the lines, not as pale as the error bands
    expect(symbols.every((m) => m[2] === '1')).toBe(true);
  }, 60_000);

  it('renders the comparison figure to SVG and PNG', async () => {
    const result = runExperiment(bench, ['random-search', 'hyperband'], OPTIONS);
    const spec = comparisonFigureSpec(result, summarizeExperiment(result));
    const svgPath = join(folder, 'figure.svg');
    const pngPath = join(folder, 'figure.png');
    await writePlot(svgPath, spec);
    await writePlot(pngPath, spec);
    const svg = await readFile(svgPath, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('hyperband');
    const png = await readFile(pngPath);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    await expect(writePlot(join(folder, 'figure.pdf'), spec)).rejects.toThrow(/\.svg or \.png/);
  }, 30_000);
});

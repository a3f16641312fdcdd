import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBenchmark, Benchmark, makeSyntheticRecords } from '@nashpobench2/dataset';
import { writeBenchmark } from '@nashpobench2/dataset/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

describe('nhb analyze', () => {
  let dir: string;
  let data: string;
  let records: ReturnType<typeof makeSyntheticRecords>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nhb-analyze-'));
    data = join(dir, 'bench.parquet');
    // 40 classes of the synthetic benchmark (planted lr × architecture interaction), 2 seeds
    records = makeSyntheticRecords({ classes: 40, seeds: [1, 2] });
    await writeBenchmark(data, records.runs, records.long, records.metadata);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the report, its figures and the numbers of the library analysis', async () => {
    const out = join(dir, 'report');
    const io = recordingIO();
    const status = await main(['analyze', '--data', data, '--out', out, '--top', '5'], io);
    expect(io.stderr).toEqual([]);
    expect(status).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/verdicts/);
    expect(io.stdout.at(-1)).toBe(`report       ${out}/report.md`);

    const figures = await readdir(join(out, 'figures'));
    expect(figures).toContain('tau-heatmap-12-epochs.svg');
    expect(figures).toContain('optimization-gap.png');
    const svg = await readFile(join(out, 'figures', 'tau-heatmap-12-epochs.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const png = await readFile(join(out, 'figures', 'optimization-gap.png'));
    expect([...png.subarray(0, 4)]).toEqual(PNG_MAGIC);

    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Verdicts/);
    expect(report).toMatch(/figures\/tau-by-distance\.svg/);
    expect(figures).toContain('lr-batch-ratio.svg');
    // the synthetic builder's data are flagged as such, and both paper findings get a line
    expect(report).toMatch(/\*\*Synthetic benchmark\.\*\*/);
    expect(report).toMatch(
      /1\. \*the best architecture changes with the training hyperparameters\*: \*\*(holds|does not hold)\*\* on 12-epoch valid accuracy/,
    );
    expect(report).toMatch(/2\. \*joint optimization beats optimizing one after the other\*: /);

    // the JSON holds the same numbers as the library on the same records, read back from Parquet
    const json = JSON.parse(await readFile(join(out, 'analysis.json'), 'utf8'));
    const expected = analyzeBenchmark(
      Benchmark.fromRecords(records.runs, records.long, records.metadata),
      { top: 5 },
    );
    expect(json.short.correlation.neighbouringMeanTau).toBeCloseTo(
      expected.short.correlation.neighbouringMeanTau,
      5,
    );
    expect(json.short.gap.joint.classId).toBe(expected.short.gap!.joint.classId);
    expect(json.short.gap.joint.accuracy).toBeCloseTo(expected.short.gap!.joint.accuracy, 5);
    expect(json.long.bestSettings.histogram).toEqual(expected.long!.bestSettings!.histogram);
    expect(json.proxy.kendallTau).toBeCloseTo(expected.proxy!.kendallTau, 5);
    expect(json.claims.map((c: { id: string }) => c.id)).toEqual(expected.claims.map((c) => c.id));
    expect(json.benchmark.synthetic).toBe(true);
    const twoStage = (a: typeof expected) =>
      a.short.gap!.strategies.find((x) => x.name === 'hpo-then-nas')!.summaryByCellCode.mean;
    expect(json.short.gap.strategies[2].summaryByCellCode.mean).toBeCloseTo(twoStage(expected), 5);
  });

  it('rewrites an existing folder in place and prints JSON on request', async () => {
    const out = join(dir, 'again');
    await main(['analyze', '--data', data, '--out', out, '--no-png'], recordingIO());
    const io = recordingIO();
    expect(await main(['analyze', '--data', data, '--out', out, '--no-png', '--json'], io)).toBe(0);
    const printed = JSON.parse(io.stdout[0]);
    expect(printed.files).toContain('report.md');
    expect(printed.files.some((f: string) => f.endsWith('.png'))).toBe(false);
    const siblings = await readdir(dir);
    expect(siblings.filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('rejects a bad flag and a missing file with one line', async () => {
    const io = recordingIO();
    expect(await main(['analyze', '--data', data, '--top', '0'], io)).toBe(2);
    expect(io.stderr).toEqual(["nhb: --top must be an integer ≥ 1, got '0'"]);
    const missing = recordingIO();
    expect(
      await main(
        ['analyze', '--data', join(dir, 'nope.parquet'), '--out', join(dir, 'x')],
        missing,
      ),
    ).toBe(1);
    expect(missing.stderr).toHaveLength(1);
  });

  it('prints — rather than NaN where a one-architecture benchmark has no τ', async () => {
    const one = makeSyntheticRecords({ classes: 1, seeds: [1] });
    const path = join(dir, 'one.parquet');
    await writeBenchmark(path, one.runs, one.long, one.metadata);
    const io = recordingIO();
    expect(await main(['analyze', '--data', path, '--out', join(dir, 'one'), '--no-png'], io)).toBe(
      0,
    );
    const screen = io.stdout.join('\n');
    expect(screen).toMatch(/τ between settings {3}neighbouring —, distant —/);
    expect(screen).not.toMatch(/NaN/);
  });

  it('rejects an --out it cannot write before analysing, in one line', async () => {
    const io = recordingIO();
    expect(await main(['analyze', '--data', data, '--out', data], io)).toBe(2);
    expect(io.stderr).toEqual([`nhb: --out '${data}' is a file; give a folder`]);
    const below = recordingIO();
    const nested = join(data, 'report');
    expect(await main(['analyze', '--data', data, '--out', nested], below)).toBe(2);
    expect(below.stderr).toEqual([
      `nhb: --out '${nested}' cannot be created: '${data}' is not a folder`,
    ]);
    expect(below.stdout).toEqual([]);
  });
});

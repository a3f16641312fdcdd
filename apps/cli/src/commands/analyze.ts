import {
  analyzeBenchmark,
  type BenchmarkAnalysis,
  makeSyntheticBenchmark,
  settingLabel,
} from '@nashpobench2/dataset';
import { Benchmark } from '@nashpobench2/dataset/node';
import type { Command } from 'commander';
import { type FigureSpec, reportFigures } from '../analysis-report/figures.js';
import { renderSvg, svgToPng } from '../analysis-report/render-figure.js';
import { reportJson } from '../analysis-report/report-json.js';
import { reportMarkdown } from '../analysis-report/report-markdown.js';
import { type ReportFile, writeReportAtomic } from '../analysis-report/write-report.js';
import { type CliIO, printJson } from '../io.js';
import { checkOutputFolder, parseIntegerOption } from '../options.js';
import { startProgress } from '../progress.js';

interface AnalyzeFlags {
  data?: string;
  out: string;
  top: string;
  png: boolean;
  json?: boolean;
}

/** Renders every figure to SVG (and PNG) and assembles the report's files. */
async function reportFiles(
  analysis: BenchmarkAnalysis,
  figures: FigureSpec[],
  png: boolean,
  onFigure: () => void,
): Promise<ReportFile[]> {
  const files: ReportFile[] = [];
  for (const figure of figures) {
    const svg = await renderSvg(figure.spec);
    files.push({ path: `figures/${figure.name}.svg`, content: svg });
    if (png) files.push({ path: `figures/${figure.name}.png`, content: svgToPng(svg) });
    files.push({
      path: `figures/${figure.name}.vl.json`,
      content: `${JSON.stringify(figure.spec)}\n`,
    });
    onFigure();
  }
  files.push({ path: 'analysis.json', content: reportJson(analysis) });
  files.push({ path: 'report.md', content: reportMarkdown(analysis, { figures, png }) });
  return files;
}

/** A number with `digits` decimals, or '—' where the benchmark cannot give one (NaN). */
function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** One screen of key numbers for the terminal. */
function printSummary(io: CliIO, analysis: BenchmarkAnalysis, out: string): void {
  const b = analysis.benchmark;
  io.out(`benchmark    ${b.protocol}, ${b.source} (data: ${b.dataSource})`);
  if (b.synthetic) io.out('             SYNTHETIC: generated numbers, not trained networks');
  for (const table of [analysis.short, analysis.long, analysis.longMeasured]) {
    if (!table) continue;
    const name = `${table.label}${table.selection === 'measured' ? ' (measured only)' : ''}`;
    const c = table.correlation;
    io.out('');
    io.out(
      `${name}: ${table.architectures} architectures, ${table.completeArchitectures} with all 48 settings`,
    );
    io.out(
      `  τ between settings   neighbouring ${fixed(c.neighbouringMeanTau, 3)}, distant ${fixed(c.distantMeanTau, 3)}`,
    );
    if (table.bestSettings) {
      const s = table.bestSettings;
      io.out(
        `  best setting         fixed ${settingLabel(s.globalBestSetting)}; ${fixed(100 * s.all.shareDifferent, 1)} % of architectures prefer another`,
      );
    }
    if (table.gap) {
      const g = table.gap;
      const twoStage = g.strategies.find((x) => x.name === 'hpo-then-nas')!;
      io.out(
        `  joint vs sequential  optimum ${fixed(g.joint.accuracy, 2)} %; HPO then NAS: mean gap ${fixed(twoStage.summary.mean, 2)} pp (${fixed(twoStage.summaryByCellCode.mean, 2)} pp by cell code), reaches it from ${fixed(100 * twoStage.summary.shareZero, 1)} % of starts`,
      );
    }
    if (table.lrBatch) {
      const r = table.lrBatch;
      io.out(
        `  best lr vs batch     slope ${fixed(r.slope, 2)} ± ${fixed(r.slopeStandardError, 2)} (${r.nearestRule})`,
      );
    }
  }
  if (analysis.proxy) {
    const p = analysis.proxy;
    io.out('');
    io.out(
      `proxy: ${p.shortLabel} vs ${p.longLabel}: τ ${fixed(p.kendallTau, 3)}, regret of the short best ${fixed(p.regret, 2)} pp`,
    );
  }
  const protocolGap = analysis.protocolGapMeasured ?? analysis.protocolGap;
  const protocolTwoStage = protocolGap?.strategies.find((x) => x.name === 'hpo-then-nas');
  if (protocolGap && protocolTwoStage) {
    const measured = protocolGap === analysis.protocolGapMeasured ? ' (measured)' : '';
    io.out(
      `chosen on ${protocolGap.label}, scored by ${protocolGap.scoreLabel}${measured}: HPO then NAS mean gap ${fixed(protocolTwoStage.summary.mean, 2)} pp, reaches the joint choice from ${fixed(100 * protocolTwoStage.summary.shareZero, 1)} % of starts`,
    );
  }
  io.out('');
  io.out('verdicts');
  for (const c of analysis.claims) {
    const holds = c.holds === null ? 'no verdict' : c.holds ? 'holds' : 'does not hold';
    io.out(`  ${holds.padEnd(13)} ${c.claim} [${c.table}]`);
  }
  io.out('');
  io.out(`report       ${out}/report.md`);
}

/** `nhb analyze`: the paper's findings on a benchmark, as a Markdown report with figures and JSON. */
export function registerAnalyze(program: Command, io: CliIO): void {
  program
    .command('analyze')
    .description(
      "reproduce the paper's findings (rank agreement, best settings, joint vs sequential, proxy, lr/batch size) as a report",
    )
    .option(
      '--data <path>',
      "benchmark file or folder of part files (default: the embedded one; 'synthetic': test fixture)",
    )
    .option('--out <dir>', 'folder the report is written to', 'nhb-analysis')
    .option('--top <n>', 'top architectures for the lr / batch-size relation', '10')
    .option('--no-png', 'write SVG figures only')
    .option('--json', 'print the key numbers and verdicts as JSON')
    .action(async (flags: AnalyzeFlags) => {
      const top = parseIntegerOption('--top', flags.top);
      await checkOutputFolder('--out', flags.out);
      const benchmark =
        flags.data === 'synthetic' ? makeSyntheticBenchmark() : await Benchmark.open(flags.data);

      const progress = startProgress(io, 'analyze', 6);
      const analysis = analyzeBenchmark(benchmark, {
        top,
        onStep: (step, done) => progress.update(done, step),
      });
      progress.stop();

      const figures = reportFigures(analysis);
      const drawing = startProgress(io, 'figures', figures.length);
      let drawn = 0;
      const files = await reportFiles(analysis, figures, flags.png, () => drawing.update(++drawn));
      drawing.stop();
      try {
        await writeReportAtomic(flags.out, files);
      } catch (error) {
        throw new Error(
          `--out: cannot write the report to '${flags.out}': ${(error as Error).message}`,
        );
      }

      if (flags.json) {
        return printJson(io, {
          out: flags.out,
          files: files.map((f) => f.path),
          benchmark: analysis.benchmark,
          claims: analysis.claims,
        });
      }
      printSummary(io, analysis, flags.out);
    });
}

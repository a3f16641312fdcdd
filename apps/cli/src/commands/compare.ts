import {
  comparisonFigureSpec,
  expandOptimizerList,
  readResults,
  summarizeExperiment,
  writePlot,
} from '@nashpobench2/optimizers/node';
import type { Command } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import {
  addBenchmarkFlags,
  type BenchmarkFlags,
  checkOutputFlags,
  printFinalTable,
  runBenchmarkFlags,
  summaryJson,
} from './run.js';

/** `nhb compare <optimizer,...|paper|all>`: runs several optimizers on the same seeds and compares them. */
export function registerCompare(program: Command, io: CliIO): void {
  addBenchmarkFlags(
    program
      .command('compare [optimizers]')
      .description(
        "compare optimizers ('paper' = the six baselines, 'all', or a comma list) on paired seeds",
      )
      .option('--from <file.json>', 'reload saved results (from --out) instead of running'),
  ).action(async function (
    this: Command,
    list: string | undefined,
    flags: BenchmarkFlags & { from?: string },
  ) {
    if (flags.from) {
      // reloading saved runs: flags that would change the runs cannot apply, so they are refused
      // rather than silently ignored
      const ignored = this.options
        .map((option) => option.attributeName())
        .filter((name) => !['from', 'plot', 'json'].includes(name))
        .filter((name) => this.getOptionValueSource(name) === 'cli');
      if (list !== undefined || ignored.length > 0) {
        const what = [
          ...(list !== undefined ? [`'${list}'`] : []),
          ...ignored.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
        ];
        throw new UsageError(
          `--from reloads saved runs, so ${what.join(', ')} cannot apply; only --plot and --json go with it`,
        );
      }
      await checkOutputFlags({ plot: flags.plot });
      const result = await readResults(flags.from);
      const summary = summarizeExperiment(result);
      if (flags.plot) await writePlot(flags.plot, comparisonFigureSpec(result, summary));
      if (flags.json) return printJson(io, summaryJson(result, summary));
      return printFinalTable(io, result, summary);
    }
    if (list === undefined)
      throw new UsageError("compare needs optimizers ('paper', 'all' or a comma list) or --from");
    const ids = expandOptimizerList(list);
    const { result, summary } = await runBenchmarkFlags(io, ids, flags);
    if (flags.json) return printJson(io, summaryJson(result, summary, flags.out));
    printFinalTable(io, result, summary);
  });
}

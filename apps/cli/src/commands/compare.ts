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
  ).action(async (list: string | undefined, flags: BenchmarkFlags & { from?: string }) => {
    if (flags.from) {
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

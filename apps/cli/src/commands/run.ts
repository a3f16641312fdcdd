import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type Benchmark, makeSyntheticBenchmark } from '@nashpobench2/dataset';
import { defaultBenchmarkPath, openBenchmark } from '@nashpobench2/dataset/node';
import {
  type BenchmarkSource,
  comparisonFigureSpec,
  DEFAULT_MAX_EVALUATIONS,
  type ExperimentOptions,
  type ExperimentResult,
  type ExperimentSummary,
  meanFullEvaluationSeconds,
  type OptimizerSettings,
  type QuerySeedMode,
  type RunResult,
  resolveSettings,
  runExperiment,
  runExperimentParallel,
  summarizeExperiment,
  writePlot,
  writeResults,
} from '@nashpobench2/optimizers/node';
import { CELL_CLASS_COUNT, CONFIGURATION_COUNT } from '@nashpobench2/search-space';
import type { Command } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import { checkOutputFile, parseIntegerOption } from '../options.js';
import { startProgress } from '../progress.js';
import { RunJournal } from '../run-journal.js';

/** Flags shared by `nhb run` and `nhb compare`, as commander hands them over. */
export interface BenchmarkFlags {
  budget?: string;
  budgetEvals?: string;
  runs: string;
  seed: string;
  workers: string;
  threads?: string;
  data?: string;
  out?: string;
  plot?: string;
  querySeed: string;
  incumbent: string;
  set?: string[];
  json?: boolean;
}

/** The paper's budget, simulated seconds of training cost (the default on paper-protocol data). */
export const PAPER_BUDGET_SECONDS = 20_000;

/**
 * Default budget on benchmarks of any other protocol (such as the embedded `lite` one), in mean
 * full 12-epoch evaluations: their runs cost far less than the paper's, so its 20,000 s would buy
 * thousands of evaluations there. 100 keeps the search short relative to the space, as in the
 * paper (random search there finishes on the order of a hundred evaluations; measure it on the
 * authors' data with `nhb compare random-search --data <imported>`).
 */
export const DEFAULT_BUDGET_EVALUATIONS = 100;

/** Adds the shared flags to a command. */
export function addBenchmarkFlags(command: Command): Command {
  return command
    .option(
      '--budget <seconds>',
      'simulated seconds on the clock after which no evaluation starts; with one worker, the ' +
        "training cost (default: 20000 on the paper protocol's data, else --budget-evals 100)",
    )
    .option(
      '--budget-evals <n>',
      'budget as n × the mean cost of a full 12-epoch evaluation (train + valid, over all ' +
        'configurations); default 100 on benchmarks of other protocols than the paper',
    )
    .option('--runs <n>', 'seeded runs per optimizer', '100')
    .option('--seed <n>', 'seed of the first run, integer ≥ 0 (run r uses seed + r)', '0')
    .option('--workers <k>', 'simulated parallel asynchronous workers', '1')
    .option('--threads <n>', 'worker threads, at most the cores (default: cores − 1)')
    .option(
      '--data <path>',
      "benchmark file or folder (default: the embedded one; 'synthetic': test fixture)",
    )
    .option(
      '--out <file.json>',
      'write every run as JSON (reload with nhb compare --from); finished runs are kept in ' +
        '<file.json>.partial meanwhile, so the same command resumes after Ctrl-C or a crash',
    )
    .option('--plot <file.svg|png>', 'anytime curves and final distributions')
    .option(
      '--query-seed <mode>',
      "'per-run' (a training seed drawn per run), 'mean', or one training seed (222: the authors' scripts)",
      'per-run',
    )
    .option(
      '--incumbent <rule>',
      "'any-fidelity' (official run log) or 'highest-fidelity'",
      'any-fidelity',
    )
    .option('--set <id.key=value...>', 'override an optimizer setting, e.g. bohb.iterations=20')
    .option('--json', 'machine-readable output on stdout (progress stays on stderr)');
}

/** Opens the benchmark named by `--data` (or the embedded default) and says where it came from. */
export async function openBenchmarkFlag(
  data: string | undefined,
): Promise<{ benchmark: Benchmark; source: BenchmarkSource }> {
  if (data === 'synthetic') {
    return { benchmark: makeSyntheticBenchmark(), source: { kind: 'synthetic' } };
  }
  const path = data ?? defaultBenchmarkPath();
  if (path === undefined) {
    throw new UsageError(
      'the embedded benchmark is missing from @nashpobench2/dataset (data/); pass --data <file> (or --data synthetic)',
    );
  }
  try {
    return { benchmark: await openBenchmark(path), source: { kind: 'path', path } };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new UsageError(`--data: cannot read a benchmark at '${path}': ${reason}`);
  }
}

/**
 * Checks `--out` and `--plot` before the runs start, so a bad path fails in a second rather than
 * after the whole experiment.
 */
export async function checkOutputFlags(flags: { out?: string; plot?: string }): Promise<void> {
  // results are JSON; a name such as results.parquet would label them wrongly
  if (flags.out !== undefined) await checkOutputFile('--out', flags.out, ['.json']);
  if (flags.plot !== undefined) await checkOutputFile('--plot', flags.plot, ['.svg', '.png']);
}

/**
 * Optimizers search the whole space, so every configuration needs its 12-epoch values; says so
 * in one line before the runs start rather than failing inside one.
 */
export function checkComplete(benchmark: Benchmark, name: string): void {
  const coverage = benchmark.coverage();
  if (coverage.configurations >= CONFIGURATION_COUNT) return;
  const count = (n: number) => n.toLocaleString('en-US');
  throw new UsageError(
    `--data: '${name}' answers 12-epoch queries for ${count(coverage.configurations)} of ` +
      `${count(CONFIGURATION_COUNT)} configurations (${count(coverage.classes)} of ` +
      `${count(CELL_CLASS_COUNT)} classes); optimizers search the whole space, so run and ` +
      'compare need a complete benchmark (nhb surrogate fit completes a partial one)',
  );
}

/**
 * What identifies the benchmark file or folder a journal's runs were made on: its absolute path
 * with the size and modification time of each file, so a changed benchmark starts afresh.
 */
async function dataFingerprint(source: BenchmarkSource): Promise<unknown> {
  if (source.kind !== 'path') return source;
  const path = resolve(source.path);
  const info = await stat(path);
  if (!info.isDirectory()) return { path, size: info.size, modified: info.mtimeMs };
  const names = (await readdir(path)).filter((name) => name.endsWith('.parquet')).sort();
  const parts = await Promise.all(
    names.map(async (name) => {
      const part = await stat(join(path, name));
      return { name, size: part.size, modified: part.mtimeMs };
    }),
  );
  return { path, parts };
}

/** A parsed budget: seconds, or a multiple of the mean full evaluation cost. */
export interface BudgetFlag {
  /** Seconds (> 0), or the multiple n (> 0) when `evaluations` is true. */
  readonly amount: number;
  /** True for `--budget-evals n`: n times the benchmark's mean full 12-epoch evaluation cost. */
  readonly evaluations: boolean;
}

/**
 * Parses `--budget <seconds>` or `--budget-evals <n>` (not both; both numbers > 0). Neither:
 * the default for the benchmark's protocol, the paper's 20,000 s on `paper` data and
 * {@link DEFAULT_BUDGET_EVALUATIONS} mean evaluations otherwise.
 */
export function parseBudget(
  seconds: string | undefined,
  evaluations?: string,
  protocolName = 'paper',
): BudgetFlag {
  if (seconds !== undefined && evaluations !== undefined) {
    throw new UsageError('give --budget <seconds> or --budget-evals <n>, not both');
  }
  if (evaluations !== undefined) {
    const amount = Number(evaluations);
    if (evaluations.trim() === '' || !Number.isFinite(amount) || amount <= 0) {
      throw new UsageError(`--budget-evals must be a number > 0, got '${evaluations}'`);
    }
    return { amount, evaluations: true };
  }
  if (seconds === undefined) {
    return protocolName === 'paper'
      ? { amount: PAPER_BUDGET_SECONDS, evaluations: false }
      : { amount: DEFAULT_BUDGET_EVALUATIONS, evaluations: true };
  }
  const amount = Number(seconds);
  if (seconds.trim() === '' || !Number.isFinite(amount) || amount <= 0) {
    throw new UsageError(`--budget must be seconds > 0, got '${seconds}'`);
  }
  return { amount, evaluations: false };
}

/** Parses `--query-seed`: 'per-run', 'mean' or an integer training seed. */
export function parseQuerySeed(value: string): QuerySeedMode {
  if (value === 'per-run' || value === 'mean') return value;
  const seed = Number(value);
  if (value.trim() !== '' && Number.isInteger(seed)) return seed;
  throw new UsageError(
    `--query-seed must be 'per-run', 'mean' or a training seed of the benchmark, got '${value}'`,
  );
}

/** Parses repeated `--set id.key=value` into settings per optimizer id. */
export function parseSettingOverrides(
  entries: readonly string[] = [],
  ids: readonly string[],
): Record<string, OptimizerSettings> {
  const overrides: Record<string, OptimizerSettings> = {};
  for (const entry of entries) {
    const match = /^([a-z-]+)\.([A-Za-z]+)=(.*)$/.exec(entry);
    if (!match) throw new UsageError(`--set expects id.key=value, got '${entry}'`);
    const [, id, key, text] = match;
    if (!ids.includes(id)) throw new UsageError(`--set names '${id}', which is not being run`);
    const value =
      text === 'null'
        ? null
        : text === 'true' || text === 'false'
          ? text === 'true'
          : Number.isFinite(Number(text)) && text.trim() !== ''
            ? Number(text)
            : text;
    overrides[id] = { ...overrides[id], [key]: value };
  }
  return overrides;
}

/** Runs `ids` with the shared flags, with a progress bar; returns the results and their summary. */
export async function runBenchmarkFlags(
  io: CliIO,
  ids: readonly string[],
  flags: BenchmarkFlags,
): Promise<{ result: ExperimentResult; summary: ExperimentSummary }> {
  const runs = parseIntegerOption('--runs', flags.runs);
  const seed = parseIntegerOption('--seed', flags.seed, 0);
  if (seed > Number.MAX_SAFE_INTEGER - (runs - 1)) {
    throw new UsageError(
      `--seed ${flags.seed} with --runs ${runs} passes ${Number.MAX_SAFE_INTEGER} (the largest run seed)`,
    );
  }
  const workers = parseIntegerOption('--workers', flags.workers);
  const threads =
    flags.threads === undefined
      ? Math.max(1, availableParallelism() - 1)
      : parseIntegerOption('--threads', flags.threads);
  if (threads > availableParallelism()) {
    // every thread opens its own copy of the benchmark (about 0.6 GB for a full one)
    throw new UsageError(
      `--threads must be at most ${availableParallelism()} (the cores of this machine; each ` +
        `thread holds its own copy of the benchmark), got '${flags.threads}'`,
    );
  }
  const querySeed = parseQuerySeed(flags.querySeed);
  if (flags.incumbent !== 'any-fidelity' && flags.incumbent !== 'highest-fidelity') {
    throw new UsageError(
      `--incumbent must be 'any-fidelity' or 'highest-fidelity', got '${flags.incumbent}'`,
    );
  }
  parseBudget(flags.budget, flags.budgetEvals); // bad values fail before the benchmark loads
  const settings = parseSettingOverrides(flags.set, ids);
  for (const id of ids) resolveSettings(id, settings[id]);
  await checkOutputFlags(flags);
  const { benchmark, source } = await openBenchmarkFlag(flags.data);
  const budget = parseBudget(flags.budget, flags.budgetEvals, benchmark.protocol.name);
  checkComplete(benchmark, flags.data ?? 'the embedded benchmark');
  if (typeof querySeed === 'number' && !benchmark.seeds.includes(querySeed)) {
    const allowed = benchmark.seeds.join(', ');
    throw new UsageError(
      `--query-seed ${querySeed} is not a training seed of the benchmark (${allowed})`,
    );
  }
  const budgetSeconds = budget.evaluations
    ? budget.amount * meanFullEvaluationSeconds(benchmark)
    : budget.amount;

  const complete = Object.fromEntries(ids.map((id) => [id, resolveSettings(id, settings[id])]));
  const journal =
    flags.out === undefined
      ? undefined
      : RunJournal.open(
          flags.out,
          {
            data: await dataFingerprint(source),
            protocol: benchmark.protocol,
            seeds: benchmark.seeds,
            budgetSeconds,
            workers,
            querySeed,
            incumbent: flags.incumbent,
          },
          complete,
        );
  if (journal !== undefined && journal.finishedRuns.size > 0) {
    io.err(
      `resuming: ${journal.finishedRuns.size} of ${ids.length * runs} runs finished before ` +
        `(${journal.path})`,
    );
  }

  const progress = startProgress(io, 'runs', ids.length * runs);
  const options: ExperimentOptions = {
    budgetSeconds,
    runs,
    seed,
    workers,
    querySeed,
    incumbent: flags.incumbent,
    settings,
    onRunDone: (done) => progress.update(done),
    ...(journal && {
      finishedRuns: journal.finishedRuns,
      onRun: (id: string, _seed: number, run: RunResult) => journal.record(id, complete[id], run),
    }),
  };
  let result: ExperimentResult;
  try {
    result =
      threads > 1
        ? await runExperimentParallel(source, benchmark, ids, { ...options, threads })
        : runExperiment(benchmark, ids, options);
  } finally {
    progress.stop();
  }
  const summary = summarizeExperiment(result);
  if (flags.out) {
    await writeResults(flags.out, result);
    journal?.remove();
  }
  if (flags.plot) await writePlot(flags.plot, comparisonFigureSpec(result, summary));
  return { result, summary };
}

const format = (value: number, digits = 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';
const withSe = (point: { mean: number; se: number }, signed = false) =>
  `${signed && point.mean >= 0 ? '+' : ''}${format(point.mean)} ± ${format(point.se)}`;

/** The final-budget table, one line per optimizer, plus notes for budget-ignoring optimizers. */
export function printFinalTable(
  io: CliIO,
  result: ExperimentResult,
  summary: ExperimentSummary,
): void {
  const longEpochs = String(result.benchmark.protocol.longEpochs ?? 200);
  const shortEpochs = String(result.benchmark.protocol.shortEpochs ?? 12);
  const fullEvaluation = result.benchmark.meanFullEvaluationSeconds;
  const inEvaluations = format(summary.budgetSeconds / fullEvaluation, 1);
  io.out(
    `budget ${format(summary.budgetSeconds, 0)} s (${inEvaluations} × the mean full evaluation, ` +
      `${format(fullEvaluation, 1)} s), ${result.harness.runs} runs per optimizer ` +
      `(seeds ${result.harness.seeds[0]}..${result.harness.seeds.at(-1)}), ` +
      `${result.harness.workers} worker(s), query seed ${result.harness.querySeed}`,
  );
  const header = [
    'optimizer'.padEnd(24),
    'evals'.padStart(7),
    `test@${shortEpochs} (%)`.padStart(16),
    `test@${longEpochs} (%)`.padStart(16),
    `regret@${shortEpochs}`.padStart(14),
    'rank'.padStart(5),
    `Δ@${shortEpochs} vs ${summary.reference}`,
  ];
  const differenceWidth = Math.max(14, header[header.length - 1].length);
  io.out(header.join(' '));
  for (const optimizer of summary.optimizers) {
    const point = optimizer.atBudget;
    io.out(
      [
        optimizer.id.padEnd(24),
        format(optimizer.evaluations.mean, 1).padStart(7),
        withSe(point.testAccuracyShort).padStart(16),
        withSe(point.testAccuracyLong).padStart(16),
        withSe(point.regretShort).padStart(14),
        format(optimizer.averageRankShort).padStart(5),
        (optimizer.id === summary.reference
          ? '—'
          : withSe(optimizer.differenceShort, true)
        ).padStart(differenceWidth),
      ].join(' '),
    );
  }
  io.out(
    'mean ± standard error over runs of the best-valid configuration among evaluations finished ' +
      `by the budget (evals: how many finished by it); Δ: paired per seed against ${summary.reference}`,
  );
  const empty = summary.optimizers.filter((o) => o.atBudget.testAccuracyShort.n === 0);
  if (empty.length > 0) {
    io.out(
      `note: no evaluation of ${empty.map((o) => o.id).join(', ')} finished within the budget ` +
        `of ${summary.budgetSeconds.toPrecision(3)} s (— above); raise --budget or --budget-evals`,
    );
  }
  for (const optimizer of result.optimizers) {
    const capped = cappedRuns(optimizer.runs);
    if (capped.length === 0) continue;
    const end = capped.reduce((sum, run) => sum + run.endSeconds, 0) / capped.length;
    io.out(
      `note: ${capped.length} of ${optimizer.runs.length} runs of ${optimizer.id} stopped at the ` +
        `harness's cap of ${DEFAULT_MAX_EVALUATIONS.toLocaleString('en-US')} evaluations, ` +
        `before the budget (at ${format(end, 0)} s on average)`,
    );
  }
  for (const optimizer of result.optimizers) {
    if (optimizer.runs.some((run) => run.evaluationsByBudget === undefined)) {
      io.out(
        `note: the results of ${optimizer.id} predate per-budget counts: its evals column counts ` +
          'every evaluation, also those finished after the budget',
      );
    }
    const first = optimizer.settings.firstStageSeconds;
    const fraction = optimizer.settings.firstStageFraction;
    const firstSeconds =
      typeof first === 'number'
        ? first
        : typeof fraction === 'number'
          ? fraction * summary.budgetSeconds
          : null;
    if (firstSeconds !== null && firstSeconds >= summary.budgetSeconds) {
      io.out(
        `note: the first stage of ${optimizer.id} (${format(firstSeconds, 0)} s) is not shorter than ` +
          `the budget (${format(summary.budgetSeconds, 0)} s): its second stage never runs`,
      );
    }
  }
  for (const [o, optimizer] of result.optimizers.entries()) {
    if (!optimizer.ignoresBudget) continue;
    const end = summary.optimizers[o];
    io.out(
      `note: ${optimizer.id} stops after its own iterations (ends at ${format(end.endSeconds.mean, 0)} s ` +
        `on average, ${format(end.evaluationsAtEnd.mean, 1)} evaluations); at its end ` +
        `test@${shortEpochs} = ${withSe(end.atEnd.testAccuracyShort)} %`,
    );
  }
}

/** Runs that stopped at the harness's evaluation cap rather than at the budget. */
function cappedRuns(runs: readonly RunResult[]): RunResult[] {
  return runs.filter((run) => run.evaluations >= DEFAULT_MAX_EVALUATIONS);
}

/** The JSON form of a summary that `--json` prints. */
export function summaryJson(result: ExperimentResult, summary: ExperimentSummary, out?: string) {
  const meanSe = (point: { mean: number; se: number; n: number }) => ({
    mean: Number.isFinite(point.mean) ? point.mean : null,
    se: Number.isFinite(point.se) ? point.se : null,
    n: point.n,
  });
  return {
    budgetSeconds: summary.budgetSeconds,
    meanFullEvaluationSeconds: result.benchmark.meanFullEvaluationSeconds,
    budgetEvaluations: summary.budgetSeconds / result.benchmark.meanFullEvaluationSeconds,
    runs: result.harness.runs,
    seeds: result.harness.seeds,
    workers: result.harness.workers,
    querySeed: result.harness.querySeed,
    incumbent: result.harness.incumbent,
    protocol: result.benchmark.protocol,
    optimumShortPct: result.benchmark.optimumShortPct.mean,
    reference: summary.reference,
    optimumLongPct: Number.isFinite(result.benchmark.optimumLongPct)
      ? result.benchmark.optimumLongPct
      : null,
    optimizers: summary.optimizers.map((optimizer, o) => ({
      id: optimizer.id,
      settings: result.optimizers[o].settings,
      runs: optimizer.runs,
      finalTestAccuracy12: meanSe(optimizer.atBudget.testAccuracyShort),
      finalTestAccuracy200: meanSe(optimizer.atBudget.testAccuracyLong),
      finalRegret12: meanSe(optimizer.atBudget.regretShort),
      finalRegret200: meanSe(optimizer.atBudget.regretLong),
      finalValidAccuracy: meanSe(optimizer.atBudget.validAccuracy),
      averageRank12: optimizer.averageRankShort,
      averageRank200: optimizer.averageRankLong,
      differenceTestAccuracy12: meanSe(optimizer.differenceShort),
      differenceTestAccuracy200: meanSe(optimizer.differenceLong),
      evaluations: meanSe(optimizer.evaluations),
      evaluationsAtEnd: meanSe(optimizer.evaluationsAtEnd),
      endSeconds: meanSe(optimizer.endSeconds),
      ignoresBudget: result.optimizers[o].ignoresBudget,
      cappedRuns: cappedRuns(result.optimizers[o].runs).length,
      endTestAccuracy12: meanSe(optimizer.atEnd.testAccuracyShort),
      endTestAccuracy200: meanSe(optimizer.atEnd.testAccuracyLong),
    })),
    ...(out ? { out } : {}),
  };
}

/** `nhb run <optimizer>`: seeded runs of one optimizer, the final table, optional JSON and plot. */
export function registerRun(program: Command, io: CliIO): void {
  addBenchmarkFlags(
    program
      .command('run <optimizer>')
      .description('run one optimizer for many seeds on a benchmark and print the final table'),
  ).action(async (id: string, flags: BenchmarkFlags) => {
    const { result, summary } = await runBenchmarkFlags(io, [id], flags);
    if (flags.json) return printJson(io, summaryJson(result, summary, flags.out));
    printFinalTable(io, result, summary);
  });
}

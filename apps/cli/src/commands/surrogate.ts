import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  FORMAT_VERSION,
  type LongRecord,
  type RunRecord,
  type TrainingProtocol,
} from '@nashpobench2/dataset';
import { openBenchmark, writeBenchmark } from '@nashpobench2/dataset/node';
import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';
import {
  BenchmarkSurrogate,
  type ConfigurationPrediction,
  completeBenchmark,
  MODEL_KINDS,
  type ModelKind,
  makeSyntheticTrainingData,
  type PipelineProgress,
  type RegressionMetrics,
  type TargetReport,
} from '@nashpobench2/surrogate';
import {
  defaultSurrogatePath,
  loadBenchmarkSurrogate,
  SURROGATE_FILE_NAME,
  saveBenchmarkSurrogate,
} from '@nashpobench2/surrogate/node';
import type { Command } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import { parseIntegerOption, parseNumberOption } from '../options.js';
import { type Progress, startProgress } from '../progress.js';

/** File name of the completed benchmark inside a model folder. */
export const COMPLETED_TABLE_NAME = 'benchmark.parquet';

/** Flags of `nhb surrogate fit`, as commander hands them over. */
interface FitFlags {
  train?: string;
  out?: string;
  folds: string;
  seed: string;
  model: string;
  models: string;
  members: string;
  steps: string;
  cascade: boolean;
  table: boolean;
  json?: boolean;
}

/** `nhb surrogate fit | eval | predict`. */
export function registerSurrogate(program: Command, io: CliIO): void {
  const surrogate = program
    .command('surrogate')
    .description('fit, evaluate and query the long-training surrogate');

  surrogate
    .command('fit')
    .description('fit the surrogates on measured runs and complete every configuration')
    .option('--train <path>', "benchmark file or folder of measured runs ('synthetic': test data)")
    .option('--out <dir>', 'folder for surrogate.json and the completed benchmark.parquet')
    .option('--folds <k>', 'outer grouped folds (by architecture class)', '5')
    .option('--seed <n>', 'seed of splits and fits', '0')
    .option(
      '--model <kind>',
      `model to use: auto (best held-out τ), ${MODEL_KINDS.join(', ')}`,
      'auto',
    )
    .option('--models <list>', 'models to cross-validate, comma list', MODEL_KINDS.join(','))
    .option('--members <n>', 'MLPs in the deep ensemble', '5')
    .option('--steps <n>', 'Adam updates per ensemble fit', '800')
    .option('--no-cascade', 'skip the cascade table (long target with predicted curves)')
    .option('--no-table', 'skip writing the completed benchmark.parquet')
    .option('--json', 'machine-readable summary on stdout (progress stays on stderr)')
    .action((flags: FitFlags) => fitCommand(io, flags));

  surrogate
    .command('eval')
    .description('print the held-out tables of a fitted surrogate')
    .option(
      '--model <dir|file>',
      'model folder (from fit --out) or surrogate.json; default: shipped',
    )
    .option('--json', 'machine-readable output')
    .action(async (flags: { model?: string; json?: boolean }) => {
      const bundle = await loadModel(flags.model);
      if (flags.json) {
        const { provenance, protocol, reports } = bundle.file;
        return printJson(io, { provenance, protocol, reports });
      }
      printReports(io, bundle);
    });

  surrogate
    .command('predict <cellcode>')
    .description('predict the short curves and the long accuracy of one configuration')
    .requiredOption('--lr <x>', 'learning rate, > 0')
    .requiredOption('--batch-size <n>', 'batch size, integer ≥ 1')
    .option('--seed <n>', 'training seed: adds a consistent per-seed value')
    .option(
      '--model <dir|file>',
      'model folder (from fit --out) or surrogate.json; default: shipped',
    )
    .option('--json', 'machine-readable output')
    .action(async (cellCode: string, flags: PredictFlags) => {
      const lr = parseNumberOption('--lr', flags.lr);
      const batchSize = parseIntegerOption('--batch-size', flags.batchSize);
      const seed =
        flags.seed === undefined ? undefined : parseIntegerOption('--seed', flags.seed, 0);
      const bundle = await loadModel(flags.model);
      const [prediction] = bundle.predict([{ cellCode, lr, batchSize, seed }]);
      if (flags.json) {
        return printJson(io, {
          ...prediction,
          onGrid: onBenchmarkGrid(prediction),
          synthetic: bundle.file.provenance.synthetic === true,
        });
      }
      printPrediction(io, bundle, prediction);
    });
}

interface PredictFlags {
  lr: string;
  batchSize: string;
  seed?: string;
  model?: string;
  json?: boolean;
}

async function loadModel(path: string | undefined): Promise<BenchmarkSurrogate> {
  const chosen = path ?? defaultSurrogatePath();
  if (chosen === undefined) {
    throw new UsageError(
      'the surrogate shipped with the embedded benchmark is missing from @nashpobench2/surrogate (data/); pass --model <dir> (written by nhb surrogate fit --out)',
    );
  }
  try {
    return await loadBenchmarkSurrogate(chosen);
  } catch (error) {
    throw new UsageError(
      `--model: cannot read a surrogate at '${chosen}': ${(error as Error).message}`,
    );
  }
}

function parseModels(list: string): ModelKind[] {
  const models = list.split(',').map((name) => name.trim());
  for (const name of models) {
    if (!(MODEL_KINDS as readonly string[]).includes(name)) {
      throw new UsageError(
        `--models: '${name}' is not a model; allowed: ${MODEL_KINDS.join(', ')}`,
      );
    }
  }
  return models as ModelKind[];
}

function parseModel(name: string): ModelKind | 'auto' {
  const allowed = ['auto', ...MODEL_KINDS];
  if (!allowed.includes(name)) {
    throw new UsageError(`--model: '${name}' is not valid; allowed: one of ${allowed.join(', ')}`);
  }
  return name as ModelKind | 'auto';
}

interface TrainingData {
  runs: RunRecord[];
  long: LongRecord[];
  protocol: TrainingProtocol;
  source: string;
  synthetic: boolean;
}

async function readTraining(train: string): Promise<TrainingData> {
  if (train === 'synthetic') {
    const data = makeSyntheticTrainingData();
    const source = 'synthetic response surface (makeSyntheticTrainingData, seed 0): no training';
    return { ...data, source, synthetic: true };
  }
  let benchmark: Awaited<ReturnType<typeof openBenchmark>>;
  try {
    benchmark = await openBenchmark(train);
  } catch (error) {
    throw new UsageError(
      `--train: cannot read a benchmark at '${train}': ${(error as Error).message}`,
    );
  }
  const runs = [...benchmark.runs()].filter((run) => run.measured);
  const long = [...benchmark.longRecords()].filter((record) => record.measured);
  if (runs.length === 0) {
    throw new UsageError(`--train: '${train}' holds no measured short runs to fit on`);
  }
  if (long.length === 0) {
    throw new UsageError(
      `--train: '${train}' holds no measured long-training values; train the protocol's long schedule for some configurations first`,
    );
  }
  // Synthetic fixtures mark their runs; a fit on them must say so wherever it is shown.
  const synthetic = runs.every((run) => run.backend === 'synthetic');
  return { runs, long, protocol: benchmark.protocol, source: resolve(train), synthetic };
}

/** One progress bar per pipeline stage, replaced when the stage changes. */
function stageProgress(io: CliIO): { onProgress: (p: PipelineProgress) => void; stop(): void } {
  let stage = '';
  let bar: Progress | undefined;
  return {
    onProgress: (progress) => {
      if (progress.stage !== stage) {
        bar?.stop();
        stage = progress.stage;
        bar = startProgress(io, stage, progress.total);
      }
      bar?.update(progress.done);
    },
    stop: () => bar?.stop(),
  };
}

async function fitCommand(io: CliIO, flags: FitFlags): Promise<void> {
  if (!flags.train)
    throw new UsageError('surrogate fit needs --train <runs.parquet|folder|synthetic>');
  if (!flags.out) throw new UsageError('surrogate fit needs --out <dir>');
  const folds = parseIntegerOption('--folds', flags.folds, 2);
  const seed = parseIntegerOption('--seed', flags.seed, 0);
  const members = parseIntegerOption('--members', flags.members, 2);
  const steps = parseIntegerOption('--steps', flags.steps);
  const models = parseModels(flags.models);
  const model = parseModel(flags.model);
  // The output folder is made before the fit, so a bad --out fails at once, not after minutes.
  await mkdir(flags.out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `--out: cannot use '${flags.out}' as the output folder (${error.code ?? error.message}); allowed: a folder that exists or can be created`,
    );
  });
  const training = await readTraining(flags.train);

  const started = performance.now();
  const progress = stageProgress(io);
  let done: ReturnType<typeof completeBenchmark>;
  try {
    done = completeBenchmark(training.runs, training.long, training.protocol, {
      folds,
      seed,
      model,
      models,
      ensemble: { members, steps },
      cascade: flags.cascade,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.stop();
  }
  const fitSeconds = (performance.now() - started) / 1000;

  const createdAt = new Date().toISOString();
  const provenance = {
    source: training.source,
    synthetic: training.synthetic,
    createdAt,
    tool: '@nashpobench2/surrogate 0.1.0',
    measuredRuns: training.runs.length,
    measuredLong: training.long.length,
    options: { folds, seed, model, models, members, steps, cascade: flags.cascade },
    fitSeconds,
  };
  const bundle = BenchmarkSurrogate.fromFit(
    done.short,
    done.longFit,
    training.protocol,
    provenance,
  );
  const modelPath = join(flags.out, SURROGATE_FILE_NAME);
  await saveBenchmarkSurrogate(modelPath, bundle);
  let tablePath: string | undefined;
  if (flags.table) {
    tablePath = join(flags.out, COMPLETED_TABLE_NAME);
    await writeBenchmark(tablePath, done.runs, done.long, {
      formatVersion: FORMAT_VERSION,
      protocol: training.protocol,
      provenance: {
        source: `${training.source}, completed by the surrogate (${SURROGATE_FILE_NAME})`,
        createdAt,
        tool: '@nashpobench2/surrogate 0.1.0 (nhb surrogate fit)',
        synthetic: training.synthetic,
      },
    });
  }

  const summary = {
    model: modelPath,
    table: tablePath ?? null,
    synthetic: training.synthetic,
    fitSeconds,
    runs: { measured: done.runs.filter((r) => r.measured).length, total: done.runs.length },
    long: { measured: done.long.filter((r) => r.measured).length, total: done.long.length },
    reports: bundle.reports,
  };
  if (flags.json) return printJson(io, summary);
  io.out(
    `fitted in ${fitSeconds.toFixed(1)} s on ${training.runs.length} measured runs and ` +
      `${training.long.length} measured long values${training.synthetic ? ' (SYNTHETIC data)' : ''}`,
  );
  io.out(`model: ${modelPath}`);
  if (tablePath) {
    io.out(
      `table: ${tablePath} (${summary.runs.total} runs, ${summary.runs.measured} measured; ` +
        `${summary.long.total} long values, ${summary.long.measured} measured)`,
    );
  }
  printReports(io, bundle);
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

function metricCells(m: RegressionMetrics, calibrated: RegressionMetrics): string[] {
  return [
    fixed(m.r2, 3).padStart(7),
    fixed(m.kendallTau, 3).padStart(7),
    fixed(m.spearmanRho, 3).padStart(7),
    fixed(m.mae, 2).padStart(7),
    fixed(m.top10Recall, 2).padStart(7),
    `${fixed(m.coverage50, 2)}→${fixed(calibrated.coverage50, 2)}`.padStart(10),
    `${fixed(m.coverage90, 2)}→${fixed(calibrated.coverage90, 2)}`.padStart(10),
  ];
}

function printReport(io: CliIO, report: TargetReport): void {
  io.out('');
  io.out(
    `${report.target}: ${report.rows} configurations, ${report.groups} classes, ` +
      `${report.folds} folds grouped by class; headline ${report.headline}; chosen ${report.chosen}`,
  );
  io.out(`  ${report.description}`);
  const header = ['model'.padEnd(9), 'R²', 'τ', 'ρ', 'MAE', 'top10%'].map((h, i) =>
    i === 0 ? h : h.padStart(7),
  );
  header.push('cov50'.padStart(10), 'cov90'.padStart(10), 'seconds'.padStart(8));
  io.out(`  ${header.join(' ')}`);
  for (const model of report.models) {
    const cells = metricCells(model.headline, model.headlineCalibrated);
    io.out(`  ${[model.model.padEnd(9), ...cells, fixed(model.seconds, 1).padStart(8)].join(' ')}`);
  }
  // Multi-output targets (the short curves): also the final accuracy and loss and the costs.
  const names = new Set(report.models[0]?.outputs.map((output) => output.name) ?? []);
  const epoch = [...names].filter((n) => n.startsWith('trainSeconds@')).length;
  const secondary = [
    `testAccuracy@${epoch}`,
    `trainLoss@${epoch}`,
    'trainSeconds@1',
    `trainSeconds@${epoch}`,
    `validSeconds@${epoch}`,
  ].filter((name) => names.has(name) && name !== report.headline);
  if (secondary.length > 0) {
    const cells = ['R²', 'τ', 'ρ', 'MAE', 'top10%'].map((h) => h.padStart(7));
    io.out(
      `  ${['output, model'.padEnd(30), ...cells, 'cov50'.padStart(10), 'cov90'.padStart(10)].join(' ')}`,
    );
  }
  for (const name of secondary) {
    for (const model of report.models) {
      const output = model.outputs.find((o) => o.name === name);
      if (!output) continue;
      const label = `${name}, ${model.model}`.padEnd(30);
      io.out(`  ${[label, ...metricCells(output.raw, output.calibrated)].join(' ')}`);
    }
  }
}

function printReports(io: CliIO, bundle: BenchmarkSurrogate): void {
  const { provenance, protocol } = bundle.file;
  io.out(
    `surrogate of protocol '${protocol.name}' (${protocol.shortEpochs} → ${protocol.longEpochs} epochs), ` +
      `fitted ${provenance.createdAt} on ${provenance.source}`,
  );
  if (provenance.synthetic) io.out('NOTE: synthetic training data; these figures are not real.');
  io.out('held-out metrics (cov: interval coverage, raw → calibrated; nominal 0.50 and 0.90)');
  for (const report of bundle.reports) printReport(io, report);
}

function printPrediction(
  io: CliIO,
  bundle: BenchmarkSurrogate,
  prediction: ConfigurationPrediction,
): void {
  const { protocol } = bundle.file;
  const epochs = protocol.shortEpochs;
  const last = epochs - 1;
  const { long, short } = prediction;
  io.out(
    `${prediction.cellCode} (class ${prediction.classId}, representative ${prediction.representative}), ` +
      `lr ${prediction.lr}, batch size ${prediction.batchSize}`,
  );
  // A seed spread of 0 with no replicated long runs is unknown, not zero.
  const longFile = bundle.file.longWithCurve ?? bundle.file.longArchitecture;
  const longReplicates = longFile.seedNoise?.replicates ?? 0;
  const seedSpread =
    longReplicates === 0
      ? 'seed spread unknown: no long run was repeated with another seed'
      : `seed spread ${fixed(long.seedStd, 2)}`;
  const seedPart =
    long.perSeed === undefined || longReplicates === 0
      ? ''
      : `; this seed ${fixed(long.perSeed, 2)}`;
  io.out(
    `test accuracy @${protocol.longEpochs}: ${fixed(long.mean, 2)} ± ${fixed(long.std, 2)} % ` +
      `(${seedSpread}${seedPart}; ${long.source})`,
  );
  for (const field of ['validAccuracy', 'testAccuracy'] as const) {
    const curve = short[field];
    const perSeed = curve.perSeed ? `; this seed ${fixed(curve.perSeed[last], 2)}` : '';
    io.out(
      `${field} @${epochs}: ${fixed(curve.mean[last], 2)} ± ${fixed(curve.std[last], 2)} %${perSeed}`,
    );
  }
  const seconds = short.trainSeconds.mean.reduce((a, b) => a + b, 0);
  io.out(`train time over ${epochs} epochs: ${fixed(seconds, 1)} s`);
  const grid = onBenchmarkGrid(prediction);
  if (grid !== 'on the grid') {
    io.out(
      `NOTE: lr ${prediction.lr} / batch size ${prediction.batchSize} is off the benchmark grid ` +
        `(lr ${LEARNING_RATES.join(', ')}; batch size ${BATCH_SIZES.join(', ')}): ${grid === 'inside' ? 'an interpolation' : 'an extrapolation beyond the measured range; treat it with care'}.`,
    );
  }
  if (bundle.file.provenance.synthetic) io.out('NOTE: fitted on synthetic data.');
}

/** Where a query's hyperparameters lie: on the benchmark grid, inside its range, or outside it. */
function onBenchmarkGrid(query: {
  lr: number;
  batchSize: number;
}): 'on the grid' | 'inside' | 'outside' {
  if (LEARNING_RATES.includes(query.lr) && BATCH_SIZES.includes(query.batchSize))
    return 'on the grid';
  const inside = (value: number, grid: readonly number[]) =>
    value >= Math.min(...grid) && value <= Math.max(...grid);
  return inside(query.lr, LEARNING_RATES) && inside(query.batchSize, BATCH_SIZES)
    ? 'inside'
    : 'outside';
}

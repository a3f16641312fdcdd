import { stat } from 'node:fs/promises';
import { Benchmark, TRAINING_COUNT } from '@nashpobench2/dataset';
import {
  importOfficial,
  mergeBenchmarks,
  NODE_COMPRESSORS,
  validateBenchmarkPath,
  writeBenchmarkFile,
} from '@nashpobench2/dataset/node';
import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  CONFIGURATION_COUNT,
  cellClasses,
  configIndex,
  LEARNING_RATES,
} from '@nashpobench2/search-space';
import type { Command } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import { type Progress, startProgress } from '../progress.js';
import { DATA_FLAG_HELP, type DataSource, openDataFlag } from './query.js';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (part: number, whole: number) =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '—';
const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Runs per seed over every (class, lr, batch size) of the grid. */
export function runsPerSeed(benchmark: Benchmark): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const seed of benchmark.seeds) counts[seed] = 0;
  for (const cls of cellClasses()) {
    for (const lr of LEARNING_RATES) {
      for (const batchSize of BATCH_SIZES) {
        const index = configIndex({ cellCode: cls.representative, lr, batchSize });
        for (const seed of benchmark.seeds) if (benchmark.hasRun(index, seed)) counts[seed] += 1;
      }
    }
  }
  return counts;
}

/** Trainings (class, lr, batch size) and classes with at least one trained (not predicted) run or long value. */
export function measuredCoverage(benchmark: Benchmark): {
  trainings: number;
  classes: number;
  longTrainings: number;
  longClasses: number;
} {
  const trainings = new Set<string>();
  const classes = new Set<number>();
  for (const run of benchmark.runs()) {
    if (!run.measured) continue;
    trainings.add(`${run.classId}/${run.lr}/${run.batchSize}`);
    classes.add(run.classId);
  }
  let longTrainings = 0;
  const longClasses = new Set<number>();
  for (const record of benchmark.longRecords()) {
    if (!record.measured) continue;
    longTrainings += 1;
    longClasses.add(record.classId);
  }
  return {
    trainings: trainings.size,
    classes: classes.size,
    longTrainings,
    longClasses: longClasses.size,
  };
}

/** Everything `nhb dataset info` reports, as one object. */
export function describeBenchmark(benchmark: Benchmark, source: DataSource) {
  const coverage = benchmark.coverage();
  return {
    source,
    formatVersion: benchmark.metadata.formatVersion,
    protocol: benchmark.protocol,
    provenance: benchmark.metadata.provenance,
    seeds: [...benchmark.seeds],
    runsPerSeed: runsPerSeed(benchmark),
    coverage,
    grid: {
      trainings: TRAINING_COUNT,
      configurations: CONFIGURATION_COUNT,
      classes: CELL_CLASS_COUNT,
    },
    measured: measuredCoverage(benchmark),
    predictedRuns: coverage.runs - coverage.measuredRuns,
    predictedLongRecords: coverage.longRecords - coverage.measuredLongRecords,
  };
}

function printInfo(io: CliIO, info: ReturnType<typeof describeBenchmark>): void {
  const { source, protocol, provenance, coverage, grid } = info;
  const where =
    source.files === 0
      ? source.path
      : `${source.path} (${source.files} file${source.files === 1 ? '' : 's'}, ${mebibytes(source.bytes)})`;
  io.out(`source          ${where}`);
  io.out(`format          version ${info.formatVersion}`);
  io.out(
    `protocol        ${protocol.name} v${protocol.version}: ${protocol.shortEpochs} + ${protocol.longEpochs} epochs, ${protocol.imageSize} px, ${count(protocol.trainImages)} / ${count(protocol.validImages)} / ${count(protocol.testImages)} images, ${protocol.stemChannels} channels, ${protocol.cellsPerStage} cell${protocol.cellsPerStage === 1 ? '' : 's'} per stage`,
  );
  io.out(
    `provenance      ${provenance.source}, written ${provenance.createdAt}${provenance.tool ? ` by ${provenance.tool}` : ''}`,
  );
  const perSeed = info.seeds.map((seed) => `${seed}: ${count(info.runsPerSeed[seed])}`).join(', ');
  io.out(`seeds           ${info.seeds.join(', ')} (runs per seed: ${perSeed})`);
  io.out(
    `runs            ${count(coverage.runs)} (${count(coverage.measuredRuns)} measured, ${count(info.predictedRuns)} predicted)`,
  );
  io.out(
    `trainings       ${count(coverage.trainings)} of ${count(grid.trainings)} (${percent(coverage.trainings, grid.trainings)}); ${count(coverage.completeTrainings)} with every seed`,
  );
  io.out(`classes         ${count(coverage.classes)} of ${count(grid.classes)}`);
  io.out(
    `configurations  ${count(coverage.configurations)} of ${count(grid.configurations)} answerable at ${protocol.shortEpochs} epochs (${percent(coverage.configurations, grid.configurations)}), ${count(coverage.longConfigurations)} at ${protocol.longEpochs}`,
  );
  io.out(
    `long values     ${count(coverage.longRecords)} (${count(coverage.measuredLongRecords)} measured, ${count(info.predictedLongRecords)} predicted)`,
  );
  const m = info.measured;
  io.out(
    `measured        ${count(m.trainings)} of ${count(grid.trainings)} trainings (${percent(m.trainings, grid.trainings)}) in ${count(m.classes)} classes; long: ${count(m.longTrainings)} in ${count(m.longClasses)} classes${info.predictedRuns > 0 ? '; the rest predicted by a surrogate' : ''}`,
  );
  const extra = provenance as unknown as Record<string, unknown>;
  if (typeof extra.timeUnit === 'string') io.out(`costs           ${extra.timeUnit}`);
  if (typeof extra.cpuSeconds === 'number') {
    io.out(`built with      ${(extra.cpuSeconds / 3600).toFixed(1)} CPU-hours of training`);
  }
}

/** A progress bar per named step, for the importer's (step, done, total) callback. */
function stepProgress(io: CliIO): {
  update: (step: string, done: number, total: number) => void;
  stop: () => void;
} {
  let current: { step: string; bar: Progress } | undefined;
  return {
    update: (step, done, total) => {
      if (current?.step !== step) {
        current?.bar.stop();
        current = { step, bar: startProgress(io, step.padEnd(14), total) };
      }
      current.bar.update(done);
    },
    stop: () => current?.bar.stop(),
  };
}

/** `nhb dataset`: information about, validation, merging and import of benchmark files. */
export function registerDataset(program: Command, io: CliIO): void {
  const dataset = program
    .command('dataset')
    .description('inspect, validate, merge and import benchmark files');

  dataset
    .command('info')
    .description('sizes, protocol, provenance, seeds and grid coverage of a benchmark')
    .option('--data <path>', DATA_FLAG_HELP)
    .option('--json', 'machine-readable output')
    .action(async (flags: { data?: string; json?: boolean }) => {
      const { benchmark, source } = await openDataFlag(flags.data);
      const info = describeBenchmark(benchmark, source);
      if (flags.json) return printJson(io, info);
      printInfo(io, info);
    });

  dataset
    .command('validate <path>')
    .description('check schema, keys, duplicate runs, value ranges and missing configurations')
    .option(
      '--complete',
      'treat trainings, seeds or long values missing from the full grid as errors',
    )
    .option('--json', 'machine-readable output')
    .action(async (path: string, flags: { complete?: boolean; json?: boolean }) => {
      const report = await validateBenchmarkPath(path, { complete: flags.complete });
      if (flags.json) printJson(io, { path, ...report });
      else {
        for (const line of report.errors) io.out(`error: ${line}`);
        for (const line of report.warnings) io.out(`warning: ${line}`);
        const verdict = report.ok ? 'valid' : 'INVALID';
        io.out(
          `${path}: ${verdict} (${report.parts} part file${report.parts === 1 ? '' : 's'}, ${count(report.rows)} rows, ${report.errors.length} errors, ${report.warnings.length} warnings)`,
        );
      }
      if (!report.ok) throw new ValidationFailed(path, report.errors.length);
    });

  dataset
    .command('merge <parts...>')
    .description('merge benchmark files or folders of part files into one file (atomic write)')
    .requiredOption('--out <file>', 'the merged Parquet file')
    .option('--codec <codec>', "'SNAPPY', 'GZIP' or 'UNCOMPRESSED'", 'SNAPPY')
    .option('--json', 'machine-readable output')
    .action(async (parts: string[], flags: { out: string; codec: string; json?: boolean }) => {
      const codec = parseCodec(flags.codec);
      const merged = await mergeBenchmarks(parts, flags.out, {
        codec,
        compressors: NODE_COMPRESSORS,
      });
      const bytes = (await stat(flags.out)).size;
      const coverage = merged.coverage();
      if (flags.json) return printJson(io, { out: flags.out, bytes, parts, coverage });
      io.out(
        `merged ${parts.length} source${parts.length === 1 ? '' : 's'} into ${flags.out} (${mebibytes(bytes)}): ${count(coverage.runs)} runs, ${count(coverage.longRecords)} long values`,
      );
    });

  dataset
    .command('import-official <dir>')
    .description(
      "convert the authors' bench12.pkl, cellinfo.pkl and avgaccs200.pkl (safe reader: no code runs)",
    )
    .requiredOption('--out <file>', 'the Parquet file to write')
    .option('--codec <codec>', "'SNAPPY', 'GZIP' or 'UNCOMPRESSED'", 'SNAPPY')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, flags: { out: string; codec: string; json?: boolean }) => {
      const codec = parseCodec(flags.codec);
      const progress = stepProgress(io);
      let imported: Awaited<ReturnType<typeof importOfficial>>;
      try {
        imported = await importOfficial(dir, { onProgress: progress.update });
      } finally {
        progress.stop();
      }
      const benchmark = Benchmark.fromRecords(imported.runs, imported.long, imported.metadata);
      await writeBenchmarkFile(flags.out, benchmark, { codec, compressors: NODE_COMPRESSORS });
      const bytes = (await stat(flags.out)).size;
      const coverage = benchmark.coverage();
      for (const warning of imported.warnings) io.err(`warning: ${warning}`);
      if (flags.json)
        return printJson(io, { out: flags.out, bytes, coverage, warnings: imported.warnings });
      io.out(
        `imported ${count(coverage.runs)} runs (${count(coverage.classes)} classes, seeds ${benchmark.seeds.join(', ')}) and ${count(coverage.longRecords)} long values into ${flags.out} (${mebibytes(bytes)})`,
      );
    });
}

/** Raised after `dataset validate` printed its report, so the exit status is 1 without a repeat. */
class ValidationFailed extends Error {
  constructor(path: string, errors: number) {
    super(`${path}: ${errors} validation error${errors === 1 ? '' : 's'}`);
  }
}

function parseCodec(value: string): 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED' {
  const codec = value.toUpperCase();
  if (codec !== 'SNAPPY' && codec !== 'GZIP' && codec !== 'UNCOMPRESSED')
    throw new UsageError(`--codec must be 'SNAPPY', 'GZIP' or 'UNCOMPRESSED', got '${value}'`);
  return codec;
}

import { stat } from 'node:fs/promises';
import {
  type Benchmark,
  type Mode,
  makeSyntheticBenchmark,
  type OpenOptions,
} from '@nashpobench2/dataset';
import { defaultBenchmarkPath, listParts, openBenchmark } from '@nashpobench2/dataset/node';
import type { Command } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import { parseIntegerOption } from '../options.js';

/** Help text of `--data` shared by the query and dataset commands. */
export const DATA_FLAG_HELP =
  "benchmark file or folder of part files (default: the embedded one; 'synthetic': test fixture)";

/** Where a benchmark named by `--data` was read from. */
export interface DataSource {
  /** The path, or 'synthetic'. */
  path: string;
  /** Part files read (1 for a file, 0 for the synthetic fixture). */
  files: number;
  /** Bytes on disk over all part files (0 for the synthetic fixture). */
  bytes: number;
}

/** Bytes and part files of a benchmark path. */
export async function sizeOnDisk(path: string): Promise<{ files: number; bytes: number }> {
  const info = await stat(path);
  if (!info.isDirectory()) return { files: 1, bytes: info.size };
  const parts = await listParts(path);
  const sizes = await Promise.all(parts.map(async (part) => (await stat(part)).size));
  return { files: parts.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

/**
 * Opens the benchmark of `--data` (or the embedded default). Without either, a usage error says
 * that `--data` is needed; an unreadable file is a data error naming the path.
 */
export async function openDataFlag(
  data: string | undefined,
  options: OpenOptions = {},
): Promise<{ benchmark: Benchmark; source: DataSource }> {
  if (data === 'synthetic') {
    return {
      benchmark: makeSyntheticBenchmark(),
      source: { path: 'synthetic', files: 0, bytes: 0 },
    };
  }
  const path = data ?? defaultBenchmarkPath();
  if (path === undefined) {
    throw new UsageError(
      "the embedded benchmark is missing from @nashpobench2/dataset (data/); pass --data <file or folder> (convert the paper's data with `nhb dataset import-official <dir> --out <file>`), or --data synthetic",
    );
  }
  const benchmark = await openBenchmark(path, options);
  return { benchmark, source: { path, ...(await sizeOnDisk(path)) } };
}

function parseNumber(flag: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw new UsageError(`${flag} must be a number, got '${value}'`);
  return parsed;
}

/** Parses `--seed`: a training seed (integer ≥ 0) or 'mean' (undefined). */
export function parseSeedFlag(value: string): number | undefined {
  if (value === 'mean') return undefined;
  return parseIntegerOption('--seed', value, 0);
}

interface QueryFlags {
  lr: string;
  batchSize: string;
  epoch: string;
  mode: string;
  iepoch?: string;
  seed: string;
  data?: string;
  json?: boolean;
}

const PASSES: Record<Mode, string> = {
  train: 'train',
  valid: 'train + valid',
  test: 'train + valid + test',
};

/** `nhb query`: accuracy and cost of one configuration with the official API's semantics. */
export function registerQuery(program: Command, io: CliIO): void {
  program
    .command('query <cellcode>')
    .description(
      'accuracy and training cost of one configuration (official NAS-HPO-Bench-II semantics)',
    )
    .requiredOption(
      '--lr <rate>',
      'learning rate: 0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4',
    )
    .requiredOption('--batch-size <n>', 'batch size: 16, 32, 64, 128, 256, 512')
    .option(
      '--epoch <n>',
      "12 (trained runs) or 200 (long training, no cost); the protocol's own epochs too, e.g. 36 on the embedded lite benchmark",
      '12',
    )
    .option(
      '--mode <mode>',
      "'train', 'valid' or 'test': split of the accuracy, passes of the cost",
      'valid',
    )
    .option(
      '--iepoch <n>',
      'epoch whose accuracy is returned, 1..12 (default: the last); epoch 12 only',
    )
    .option('--seed <n|mean>', "training seed, or 'mean' over the seeds run", 'mean')
    .option('--data <path>', DATA_FLAG_HELP)
    .option('--json', 'machine-readable output')
    .action(async function (this: Command, cellCode: string, flags: QueryFlags) {
      const key = {
        cellCode,
        lr: parseNumber('--lr', flags.lr),
        batchSize: parseIntegerOption('--batch-size', flags.batchSize),
      };
      const epoch = parseIntegerOption('--epoch', flags.epoch);
      const iepoch =
        flags.iepoch === undefined ? undefined : parseIntegerOption('--iepoch', flags.iepoch);
      const seed = parseSeedFlag(flags.seed);
      const mode = flags.mode as Mode;

      const { benchmark } = await openDataFlag(flags.data, { columns: 'query' });
      const answer = benchmark.query(key, { epoch, mode, iepoch, seed });
      const resolved = benchmark.resolve(key);
      const long = answer.cost === null;
      if (long && this.getOptionValueSource('mode') === 'cli' && mode !== 'test') {
        throw new UsageError(
          `--mode ${mode} does not apply at epoch ${epoch}: long training gives the test accuracy only; allowed: test (or no --mode)`,
        );
      }
      const result = {
        accuracy: answer.accuracy,
        cost: answer.cost,
        key: resolved,
        epoch,
        mode: long ? null : mode,
        iepoch: long ? null : (iepoch ?? benchmark.shortEpochs),
        seed: seed ?? null,
        seeds: [...benchmark.seeds],
        measured: long
          ? benchmark.isLongMeasured(resolved.index)
          : benchmark.isMeasured(resolved.index, seed),
      };
      if (flags.json) return printJson(io, result);

      const shown =
        resolved.representative === cellCode
          ? ''
          : `, answered by its representative ${resolved.representative}`;
      io.out(
        `${cellCode} (class ${resolved.classId}${shown}), lr ${key.lr}, batch size ${key.batchSize}`,
      );
      const seedText =
        seed === undefined ? `mean over seeds ${benchmark.seeds.join(', ')}` : `seed ${seed}`;
      const origin = result.measured ? 'measured' : 'predicted';
      if (long) {
        io.out(
          `accuracy  ${answer.accuracy.toFixed(3)} % (test, after ${epoch} epochs, ${origin})`,
        );
        io.out('cost      none (the official API gives no cost for long training)');
        return;
      }
      io.out(
        `accuracy  ${answer.accuracy.toFixed(3)} % (${mode}, after epoch ${result.iepoch}, ${seedText}, ${origin})`,
      );
      io.out(
        `cost      ${(answer.cost as number).toFixed(3)} s (${PASSES[mode]} passes of epochs 1..${result.iepoch})`,
      );
    });
}

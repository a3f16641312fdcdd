import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BACKEND_CHOICES,
  type BackendChoice,
  defaultCacheDir,
  parseShard,
  planSweep,
  protocolByName,
  runSweep,
  type ScheduledShard,
  type Shard,
  type SweepEvent,
  shardFromEnvironment,
  type TrainerProtocol,
} from '@nashpobench2/trainer/node';
import { type Command, Option } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import { parseIntegerOption } from '../options.js';
import { startProgress } from '../progress.js';

/** Flags of `nhb train` as commander hands them over. */
interface TrainFlags {
  protocol: string;
  cells: string;
  lr?: string;
  batchSize?: string;
  seeds?: string;
  long?: boolean;
  epochs?: string;
  out: string;
  shard?: string;
  shardCount?: string;
  shardFirst?: string;
  parallel: string;
  backend: string;
  data?: string;
  recordsPerFile?: string;
  json?: boolean;
}

/** A protocol by name ('paper', 'lite') or from a JSON file: a full one, or `{"extends": name, ...}`. */
export function resolveProtocol(value: string): TrainerProtocol {
  if (!value.endsWith('.json')) return protocolByName(value);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(value, 'utf8'));
  } catch (error) {
    throw new UsageError(`--protocol: cannot read '${value}': ${(error as Error).message}`);
  }
  const { extends: base, ...fields } = parsed;
  const protocol = { ...(base ? protocolByName(String(base)) : {}), ...fields } as TrainerProtocol;
  const required = ['name', 'version', 'shortEpochs', 'longEpochs', 'imageSize', 'stemChannels'];
  const missing = required.filter((key) => !(key in protocol));
  if (missing.length > 0) {
    throw new UsageError(`--protocol: '${value}' lacks ${missing.join(', ')} (or an "extends")`);
  }
  return protocol;
}

/** Cell codes of `--cells`: 'all', 'unique', a file of codes (one per line or a YAML list), or codes. */
export function parseCells(value: string): 'all' | 'unique' | string[] {
  if (value === 'all' || value === 'unique') return value;
  if (existsSync(value)) {
    const text = readFileSync(value, 'utf8');
    const codes = text.match(/[0-3]\|[0-3]{2}\|[0-3]{3}/g) ?? [];
    if (codes.length === 0) throw new UsageError(`--cells: no cell codes found in '${value}'`);
    return codes;
  }
  return value.split(',').map((code) => code.trim());
}

function parseList(flag: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => Number(item.trim()));
  if (items.some((item) => !Number.isFinite(item))) {
    throw new UsageError(`${flag} must be a comma-separated list of numbers, got '${value}'`);
  }
  return items;
}

function resolveShard(flags: TrainFlags): Shard | ScheduledShard | undefined {
  const count = flags.shardCount ?? process.env.NHB_SHARD_COUNT;
  const shardCount = count === undefined ? undefined : parseIntegerOption('--shard-count', count);
  const first =
    flags.shardFirst === undefined
      ? undefined
      : parseIntegerOption('--shard-first', flags.shardFirst, 0);
  if (flags.shard) return parseShard(flags.shard);
  return shardFromEnvironment(process.env, shardCount, first) ?? undefined;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

/** `nhb train`: a sharded, resumable sweep of training runs into a benchmark folder. */
export function registerTrain(program: Command, io: CliIO): void {
  program
    .command('train')
    .description(
      'train the cross product of cells × lr × batch size × seeds into a benchmark folder',
    )
    .option('--protocol <name|file.json>', "'lite', 'paper', or a JSON protocol", 'lite')
    .option(
      '--cells <all|unique|file|codes>',
      "'unique'/'all' (the 1,011 classes), a file, or codes a,b",
      'unique',
    )
    .option('--lr <list>', 'learning rates (default: all 8 of the grid)')
    .option('--batch-size <list>', 'batch sizes (default: all 6 of the grid)')
    .option('--seeds <list>', "seeds (default: the protocol's 222,555,888)")
    .option('--long', "train the protocol's long schedule; stores long values (mean over seeds)")
    .option(
      '--epochs <n>',
      'long schedule of n epochs instead (recorded as the protocol longEpochs)',
    )
    .requiredOption(
      '--out <dir>',
      'benchmark folder of part files (created; reruns skip finished runs)',
    )
    .option(
      '--shard <i/N>',
      'run the i-th of N slices (1-based); default: the array-job task, if any',
    )
    .option('--shard-count <n>', 'array tasks, where the scheduler does not say (PBS, Kubernetes)')
    .option('--shard-first <k>', 'first array index (default 0; SGE 1)')
    .option('--parallel <k>', 'worker processes', '1')
    .option('--backend <name>', BACKEND_CHOICES.join('|'), 'auto')
    .option(
      '--data <path>',
      'CIFAR-10 binary .tar.gz or folder (default: the nhb data cifar10 cache)',
    )
    .addOption(
      new Option('--records-per-file <n>', 'records per CIFAR batch file (fixtures)').hideHelp(),
    )
    .option('--json', 'one JSON line per finished run and a summary line on stdout')
    .action(async (flags: TrainFlags) => {
      const base = resolveProtocol(flags.protocol);
      const long = Boolean(flags.long || flags.epochs);
      const protocol = flags.epochs
        ? {
            ...base,
            longEpochs: parseIntegerOption('--epochs', flags.epochs, base.shortEpochs + 1),
          }
        : base;
      if (!(BACKEND_CHOICES as readonly string[]).includes(flags.backend)) {
        throw new UsageError(
          `--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${flags.backend}'`,
        );
      }
      const dataPath = flags.data ?? join(defaultCacheDir(), 'cifar-10-binary.tar.gz');
      if (!existsSync(dataPath)) {
        throw new UsageError(
          `--data: no CIFAR-10 at '${dataPath}'; run 'nhb data cifar10' or pass --data`,
        );
      }
      const tasks = planSweep({
        cells: parseCells(flags.cells),
        learningRates: parseList('--lr', flags.lr),
        batchSizes: parseList('--batch-size', flags.batchSize),
        seeds: parseList('--seeds', flags.seeds) ?? protocol.seeds,
      });
      const shard = resolveShard(flags);
      const parallel = parseIntegerOption('--parallel', flags.parallel);
      const recordsPerFile =
        flags.recordsPerFile === undefined
          ? undefined
          : parseIntegerOption('--records-per-file', flags.recordsPerFile);

      let progress: ReturnType<typeof startProgress> | null = null;
      const started = performance.now();
      const inProgress = new Map<number, { text: string; fraction: number }>();
      let remaining = 0;
      let done = 0;
      const status = () => {
        const fraction = [...inProgress.values()].reduce((sum, p) => sum + p.fraction, 0);
        const elapsed = (performance.now() - started) / 1000;
        const eta =
          done + fraction > 0
            ? (elapsed / (done + fraction)) * (remaining - done - fraction)
            : Number.NaN;
        const current = [...inProgress.values()].map((p) => p.text).join(' · ');
        return `${current} · ETA ${duration(eta)}`;
      };
      const onEvent = (event: SweepEvent) => {
        if (event.type === 'plan') {
          remaining = event.remaining;
          const where = shard
            ? ` (shard ${shard.index + 1}/${shard.count}${'source' in shard ? ` from ${shard.source}` : ''})`
            : '';
          io.err(
            `nhb train: ${event.units} ${long ? 'configurations' : 'runs'}${where}, ${event.finished} already finished, ${event.remaining} to train; protocol ${event.protocol.name} v${event.protocol.version}, ${event.protocol.split}`,
          );
          progress = startProgress(io, 'train', event.remaining);
        } else if (event.type === 'backend') {
          if (event.worker === 0) {
            const skipped = event.skipped.length > 0 ? `; skipped ${event.skipped.join('; ')}` : '';
            io.err(`nhb train: backend ${event.backend} on ${event.device}${skipped}`);
          }
        } else if (event.type === 'epoch') {
          const { cellCode, lr, batchSize } = event.unit.task;
          inProgress.set(event.worker, {
            text: `${cellCode} lr ${lr} bs ${batchSize} seed ${event.seed} epoch ${event.epoch}/${event.epochs}`,
            fraction: event.epoch / event.epochs / (event.unit.seeds?.length ?? 1),
          });
          progress?.update(done, status());
        } else if (event.type === 'unit-done') {
          done = event.done;
          inProgress.delete(event.worker);
          progress?.update(done, status());
          if (flags.json) {
            const { cellCode, lr, batchSize, seed } = event.unit.task;
            const key = event.unit.seeds
              ? { cellCode, lr, batchSize, seeds: event.unit.seeds }
              : { cellCode, lr, batchSize, seed };
            printJson(io, {
              ...key,
              accuracy: event.accuracy,
              seconds: event.seconds,
              path: event.path,
            });
          }
        }
      };

      // First Ctrl-C: finish the runs in progress (they are saved), start no more; second: quit.
      const controller = new AbortController();
      const stop = () => {
        if (controller.signal.aborted) process.exit(130);
        io.err('nhb train: stopping after the runs in progress (Ctrl-C again to quit now)');
        controller.abort();
      };
      process.on('SIGINT', stop);
      try {
        const summary = await runSweep({
          protocol,
          dataPath,
          out: flags.out,
          tasks,
          schedule: long ? 'long' : 'short',
          shard,
          parallel,
          backend: flags.backend as BackendChoice,
          recordsPerFile,
          onEvent,
          signal: controller.signal,
        });
        (progress as ReturnType<typeof startProgress> | null)?.stop();
        const seconds = (performance.now() - started) / 1000;
        const result = { ...summary, paths: undefined, out: flags.out, seconds };
        if (flags.json)
          printJson(io, {
            summary: {
              units: summary.units,
              skipped: summary.skipped,
              trained: summary.trained,
              aborted: summary.aborted,
              out: flags.out,
              seconds,
            },
          });
        else
          io.out(
            `trained ${result.trained}, skipped ${result.skipped} of ${result.units} in ${duration(seconds)}; results in ${flags.out}${summary.aborted ? ' (stopped early)' : ''}`,
          );
      } finally {
        process.removeListener('SIGINT', stop);
        (progress as ReturnType<typeof startProgress> | null)?.stop();
      }
    });
}

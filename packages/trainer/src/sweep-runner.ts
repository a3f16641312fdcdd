import { type ChildProcess, fork } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBenchmarkPath } from '@nashpobench2/dataset/node';
import { InvalidArgumentError } from '@nashpobench2/search-space';
import { loadPreparedData, protocolText } from './prepared-cache.js';
import type { TrainerProtocol } from './protocol.js';
import {
  parsePartName,
  type SweepConfig,
  SweepExecutor,
  type UnitResult,
} from './sweep-executor.js';
import {
  type Shard,
  type SweepTask,
  type SweepUnit,
  shardTasks,
  sweepUnits,
  taskKey,
} from './sweep-plan.js';
import type { FromWorker, ToWorker } from './sweep-worker.js';

/** Options of {@link runSweep}. */
export interface SweepOptions extends Omit<SweepConfig, 'schedule'> {
  /** The whole sweep (see `planSweep`); the shard selects this process's part of it. */
  readonly tasks: readonly SweepTask[];
  /** 'short' (default): runs of protocol.shortEpochs; 'long': configurations of protocol.longEpochs. */
  readonly schedule?: 'short' | 'long';
  /** Slice of the sweep to run; default all of it. */
  readonly shard?: Shard;
  /** Worker processes, integer ≥ 1; 1 (default) trains in this process. */
  readonly parallel?: number;
  /** Receives progress; see {@link SweepEvent}. */
  readonly onEvent?: (event: SweepEvent) => void;
  /** Stops handing out units when aborted; units in progress are finished and saved first. */
  readonly signal?: AbortSignal;
}

/** Progress of a sweep, in the order it happens. */
export type SweepEvent =
  | { type: 'plan'; units: number; finished: number; remaining: number; protocol: TrainerProtocol }
  | {
      type: 'backend';
      worker: number;
      backend: string;
      device: string;
      skipped: readonly string[];
    }
  | {
      type: 'epoch';
      worker: number;
      unit: SweepUnit;
      seed: number;
      epoch: number;
      epochs: number;
      validAccuracy: number;
    }
  | ({
      type: 'unit-done';
      worker: number;
      unit: SweepUnit;
      done: number;
      remaining: number;
    } & UnitResult);

/** What {@link runSweep} did. */
export interface SweepSummary {
  /** Units in this shard. */
  readonly units: number;
  /** Units found finished in the output folder and skipped. */
  readonly skipped: number;
  /** Units trained now. */
  readonly trained: number;
  /** Part files written now. */
  readonly paths: readonly string[];
  /** True when the signal stopped the sweep early. */
  readonly aborted: boolean;
}

function unitKey(unit: SweepUnit): string {
  const { cellCode, lr, batchSize } = unit.task;
  return unit.seeds ? `long:${cellCode}/${lr}/${batchSize}` : `run:${taskKey(unit.task)}`;
}

/**
 * Keys of the finished units in an output folder: part files named by this package, and the runs
 * and long values inside any other Parquet file there (for example a merged one). Throws when the
 * folder holds results of another protocol.
 */
export async function finishedUnits(out: string, protocol: TrainerProtocol): Promise<Set<string>> {
  const names = await readdir(out).catch(() => [] as string[]);
  const finished = new Set<string>();
  const parquet = names.filter((name) => name.endsWith('.parquet') && !name.startsWith('.'));
  const foreign: string[] = [];
  for (const name of parquet) {
    const key = parsePartName(name);
    if (!key) foreign.push(name);
    else if (key.kind === 'long') finished.add(`long:${key.cellCode}/${key.lr}/${key.batchSize}`);
    else finished.add(`run:${key.cellCode}/${key.lr}/${key.batchSize}/${key.seed}`);
  }
  const expected = protocolText(protocol);
  const sample = parquet.find((name) => parsePartName(name) !== null);
  for (const name of sample ? [sample, ...foreign] : foreign) {
    const loaded = await loadBenchmarkPath(join(out, name));
    if (protocolText(loaded.metadata.protocol as TrainerProtocol) !== expected) {
      throw new InvalidArgumentError(
        'trainer',
        'out',
        out,
        `a folder of results of this sweep's protocol ('${protocol.name}' v${protocol.version}, ${protocol.dataSource}); ${name} was trained with another, so write to another folder`,
      );
    }
    if (name === sample) continue;
    const { Benchmark } = await import('@nashpobench2/dataset');
    const bench = new Benchmark(loaded.tables, loaded.metadata);
    for (const run of bench.runs()) finished.add(`run:${taskKey(run)}`);
    for (const long of bench.longRecords()) {
      finished.add(`long:${long.cellCode}/${long.lr}/${long.batchSize}`);
    }
  }
  return finished;
}

/**
 * Path and Node arguments to fork a sweep worker process (see sweep-worker.ts for its messages):
 * the compiled worker, or the TypeScript source with tsx under a TypeScript runner.
 */
export function sweepWorkerEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  // Under a TypeScript runner (tests, tsx) the worker is the .ts source and needs tsx to load.
  if (self.endsWith('.ts')) {
    return {
      path: self.replace(/sweep-runner\.ts$/, 'sweep-worker.ts'),
      execArgv: ['--import', 'tsx'],
    };
  }
  return { path: self.replace(/sweep-runner\.js$/, 'sweep-worker.js'), execArgv: [] };
}

/**
 * Runs a sweep or one shard of it, resumably: units whose part file exists in `out` are skipped;
 * each finished unit is written as its own Parquet part file, atomically, so a killed sweep loses
 * at most the units in progress. With `parallel` > 1, that many worker processes take units from
 * one queue. Output folders are benchmark folders of the dataset package (mergeable).
 */
export async function runSweep(options: SweepOptions): Promise<SweepSummary> {
  const schedule = options.schedule ?? 'short';
  const parallel = options.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new InvalidArgumentError('trainer', 'parallel', parallel, 'integers ≥ 1');
  }
  const { protocol } = options;
  if (schedule === 'long' && !(protocol.longEpochs > protocol.shortEpochs)) {
    throw new InvalidArgumentError(
      'trainer',
      'longEpochs',
      protocol.longEpochs,
      `integers > the short schedule's ${protocol.shortEpochs} epochs`,
    );
  }
  const config: SweepConfig = {
    protocol,
    dataPath: options.dataPath,
    out: options.out,
    schedule,
    backend: options.backend,
    recordsPerFile: options.recordsPerFile,
    cacheDir: options.cacheDir ?? join(options.out, '.cache'),
  };

  // Preparing the data once here fills the cache every worker reads, and gives the applied protocol.
  const prepared = await loadPreparedData(config.dataPath, protocol, {
    cacheDir: config.cacheDir,
    recordsPerFile: config.recordsPerFile,
  });
  const units = shardTasks(
    sweepUnits(options.tasks, schedule),
    options.shard ?? { index: 0, count: 1 },
  );
  const finished = await finishedUnits(options.out, prepared.protocol);
  const remaining = units.filter((unit) => !finished.has(unitKey(unit)));
  const emit = options.onEvent ?? (() => {});
  emit({
    type: 'plan',
    units: units.length,
    finished: units.length - remaining.length,
    remaining: remaining.length,
    protocol: prepared.protocol,
  });

  const paths: string[] = [];
  let done = 0;
  const finish = (worker: number, unit: SweepUnit, result: UnitResult) => {
    paths.push(result.path);
    done++;
    const { path, accuracy, seconds } = result;
    const left = remaining.length - done;
    emit({ type: 'unit-done', worker, unit, done, remaining: left, path, accuracy, seconds });
  };

  const workers = Math.min(parallel, Math.max(remaining.length, 1));
  if (workers === 1) await runInProcess(config, remaining, emit, finish, options.signal);
  else await runInWorkers(config, remaining, workers, emit, finish, options.signal);

  return {
    units: units.length,
    skipped: units.length - remaining.length,
    trained: done,
    paths,
    aborted: options.signal?.aborted ?? false,
  };
}

type Emit = (event: SweepEvent) => void;
type Finish = (worker: number, unit: SweepUnit, result: UnitResult) => void;

async function runInProcess(
  config: SweepConfig,
  units: readonly SweepUnit[],
  emit: Emit,
  finish: Finish,
  signal?: AbortSignal,
): Promise<void> {
  if (units.length === 0) return;
  const executor = new SweepExecutor(config);
  const selection = await executor.init();
  emit({ type: 'backend', worker: 0, ...selection });
  for (const unit of units) {
    if (signal?.aborted) return;
    const report = (epoch: number, epochs: number, validAccuracy: number, seed: number) =>
      emit({ type: 'epoch', worker: 0, unit, seed, epoch, epochs, validAccuracy });
    const result = unit.seeds
      ? await executor.runLong(unit.task, unit.seeds, (m, epochs, seed) =>
          report(m.epoch, epochs, m.validAccuracy, seed),
        )
      : await executor.runShort(unit.task, (m, epochs) =>
          report(m.epoch, epochs, m.validAccuracy, unit.task.seed),
        );
    finish(0, unit, result);
  }
}

function runInWorkers(
  config: SweepConfig,
  units: readonly SweepUnit[],
  count: number,
  emit: Emit,
  finish: Finish,
  signal?: AbortSignal,
): Promise<void> {
  const entry = sweepWorkerEntry();
  const queue = units.map((unit, id) => ({ unit, id }));
  const children: ChildProcess[] = [];
  let active = count;
  let failed = false;

  return new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      for (const child of children) child.kill('SIGTERM');
      reject(error);
    };
    // Aborting hands out no more units; each worker finishes (and saves) the one it has.
    signal?.addEventListener('abort', () => {
      queue.length = 0;
    });

    for (let worker = 0; worker < count; worker++) {
      const child = fork(entry.path, [], {
        execArgv: [
          ...process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
          ...entry.execArgv,
        ],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      let current: { unit: SweepUnit; id: number } | undefined;
      const next = () => {
        current = queue.shift();
        if (current) {
          const { unit, id } = current;
          const message: ToWorker = {
            type: 'unit',
            id,
            task: unit.task,
            seeds: unit.seeds ? [...unit.seeds] : undefined,
          };
          child.send(message);
        } else {
          child.send({ type: 'stop' } satisfies ToWorker);
        }
      };
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          const { backend, device, skipped } = message;
          emit({ type: 'backend', worker, backend, device, skipped });
          next();
        } else if (message.type === 'epoch' && current) {
          const { epoch, epochs, validAccuracy, seed } = message;
          emit({ type: 'epoch', worker, unit: current.unit, seed, epoch, epochs, validAccuracy });
        } else if (message.type === 'done' && current) {
          finish(worker, current.unit, message);
          next();
        } else if (message.type === 'error') {
          const what = current ? `training ${taskKey(current.unit.task)}` : 'starting';
          fail(new Error(`trainer: worker ${worker} failed ${what}: ${message.message}`));
        }
      });
      child.on('exit', (code, signalName) => {
        active--;
        const clean = code === 0 || signal?.aborted || failed;
        if (!clean) {
          const last = stderr.trim().split('\n').slice(-3).join(' | ');
          fail(
            new Error(
              `trainer: worker ${worker} exited (${signalName ?? `code ${code}`})${last ? `: ${last}` : ''}`,
            ),
          );
        } else if (active === 0 && !failed) {
          resolve();
        }
      });
      child.send({ type: 'init', config } satisfies ToWorker);
    }
  });
}

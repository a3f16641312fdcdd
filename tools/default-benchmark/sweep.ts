/**
 * Trains the default benchmark's plan (plan.ts) at the `lite` protocol, resumably, in plan order,
 * one Parquet part file per finished run in `--out` (default tools/default-benchmark/parts).
 *
 *   pnpm --filter @nashpobench2/tools sweep -- --parallel 2 [--data <cifar-10-binary.tar.gz>]
 *     [--out <dir>] [--cache <dir>] [--backend auto] [--shard i/N] [--limit N] [--dry-run]
 *     [--first long,seeds]   (those purposes' pending runs first, then the rest in plan order;
 *                             grid:N = the grid runs of the first N spanning cells; purposes:
 *                             grid, space-filling, seeds, long, long-seeds)
 *
 * A long seed-study unit ('long-seeds') trains a long configuration's extra seeds one after the
 * other in one worker (each seed's curve is saved in `<out>/long-runs/` and reused on resume) and
 * then rewrites the configuration's long part as the mean and sample std over all its seeds; the
 * unit counts as finished once the part holds all its seeds.
 *
 * Inside an array job (Slurm, SGE, PBS, Kubernetes Indexed Job) the shard comes from the task
 * index as in `nhb train` (`--shard-count`/`NHB_SHARD_COUNT` where the count is not visible).
 *
 * Progress goes to stderr; one JSON line per finished run is appended to `<out>/timings.jsonl`
 * (wall and CPU seconds). Ctrl-C (SIGINT/SIGTERM) stops handing out runs and lets the runs in
 * progress finish and save; a second one exits at once (the runs in progress are lost, nothing
 * else).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Benchmark } from '@nashpobench2/dataset';
import { loadBenchmarkPath } from '@nashpobench2/dataset/node';
import { cellClassOf } from '@nashpobench2/search-space';
import {
  BACKEND_CHOICES,
  type BackendChoice,
  type FromWorker,
  finishedUnits,
  LITE_PROTOCOL,
  loadPreparedData,
  parseShard,
  type SweepConfig,
  shardFromEnvironment,
  sweepWorkerEntry,
  type ToWorker,
} from '@nashpobench2/trainer/node';
import { type PlannedRun, planDefaultBenchmark, runId, SPANNING_CELLS } from './plan.js';
import {
  estimateRemaining,
  finishedKey,
  longSeedKeys,
  type PlanShard,
  parsePriority,
  pendingRuns,
  planTotals,
  prioritize,
  type RunOutcome,
  type RunTiming,
  runCost,
  runQueue,
} from './sweep-core.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
export const DEFAULT_DATA = resolve(repoRoot, '..', 'shared', 'datasets', 'cifar-10-binary.tar.gz');
export const DEFAULT_PARTS = join(here, 'parts');
export const DEFAULT_CACHE = join(here, '.cache');

async function readTimingLines(path: string): Promise<RunTiming[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunTiming);
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function describe(run: PlannedRun): string {
  const seeds = run.seeds ? `seeds ${run.seeds.join(', ')}` : `seed ${run.seed}`;
  return `${run.purpose} ${run.schedule} ${run.cellCode} lr ${run.lr} bs ${run.batchSize} ${seeds}`;
}

/** The long seed-study keys (`longSeedKeys`) of the long parts in `out` that hold several seeds. */
async function longSeedFinished(out: string): Promise<Set<string>> {
  const names = (await readdir(out).catch(() => [] as string[])).filter(
    (name) => name.startsWith('long-') && name.endsWith('.parquet'),
  );
  const records = [];
  for (const name of names) {
    const loaded = await loadBenchmarkPath(join(out, name));
    records.push(...new Benchmark(loaded.tables, loaded.metadata).longRecords());
  }
  return longSeedKeys(records);
}

function hours(seconds: number): string {
  return seconds < 3600 ? `${(seconds / 60).toFixed(0)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

/** One worker process that trains one run at a time. */
class Lane {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private pending: {
    id: number;
    resolve: (outcome: RunOutcome) => void;
    reject: (error: Error) => void;
    onEpoch: (epoch: number, epochs: number, valid: number) => void;
  } | null = null;
  private stderr = '';

  constructor(
    readonly index: number,
    private readonly config: SweepConfig,
  ) {}

  private start(): Promise<void> {
    // The trainer's own sweep worker: one planned run = one unit (a long run: one seed).
    const entry = sweepWorkerEntry();
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    return new Promise<void>((resolveReady, rejectReady) => {
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          log(
            `worker ${this.index}: backend ${message.backend} (${message.device})${message.skipped.length ? `; skipped: ${message.skipped.join('; ')}` : ''}`,
          );
          resolveReady();
        } else if (message.type === 'epoch' && this.pending?.id === message.id) {
          this.pending.onEpoch(message.epoch, message.epochs, message.validAccuracy);
        } else if (message.type === 'done' && this.pending?.id === message.id) {
          const { path, accuracy, seconds, cpuSeconds } = message;
          const pending = this.pending;
          this.pending = null;
          pending.resolve({ path, accuracy, seconds, cpuSeconds });
        } else if (message.type === 'error') {
          const error = new Error(message.message);
          if (message.id === null) rejectReady(error);
          else if (this.pending?.id === message.id) {
            const pending = this.pending;
            this.pending = null;
            pending.reject(error);
          }
        }
      });
      child.on('exit', (code, signal) => {
        this.child = null;
        this.ready = null;
        const last = this.stderr.trim().split('\n').slice(-3).join(' | ');
        const error = new Error(
          `worker ${this.index} exited (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`,
        );
        rejectReady(error);
        if (this.pending) {
          const pending = this.pending;
          this.pending = null;
          pending.reject(error);
        }
      });
      child.send({ type: 'init', config: this.config } satisfies ToWorker);
    });
  }

  async train(
    id: number,
    run: PlannedRun,
    onEpoch: (epoch: number, epochs: number, valid: number) => void,
  ): Promise<RunOutcome> {
    this.ready ??= this.start();
    await this.ready;
    return new Promise<RunOutcome>((resolveRun, rejectRun) => {
      this.pending = { id, resolve: resolveRun, reject: rejectRun, onEpoch };
      const task = { cellCode: run.cellCode, lr: run.lr, batchSize: run.batchSize, seed: run.seed };
      const seeds = run.schedule === 'long' ? [...(run.seeds ?? [run.seed])] : undefined;
      this.child?.send({ type: 'unit', id, task, seeds } satisfies ToWorker);
    });
  }

  stop(): void {
    if (this.child?.connected) this.child.send({ type: 'stop' } satisfies ToWorker);
  }

  kill(): void {
    this.child?.kill('SIGTERM');
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      data: { type: 'string', default: process.env.NHB_CIFAR10 ?? DEFAULT_DATA },
      out: { type: 'string', default: DEFAULT_PARTS },
      cache: { type: 'string', default: DEFAULT_CACHE },
      parallel: { type: 'string', default: '1' },
      backend: { type: 'string', default: 'auto' },
      shard: { type: 'string' },
      'shard-count': { type: 'string', default: process.env.NHB_SHARD_COUNT },
      'shard-first': { type: 'string' },
      limit: { type: 'string' },
      first: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: sweep [--parallel k] [--data <cifar-10-binary.tar.gz>] [--out <dir>] [--cache <dir>] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--shard i/N | array-task env with --shard-count N --shard-first F] [--limit N] [--first grid[:N],space-filling,seeds,long,long-seeds] [--dry-run]\n',
    );
    return 0;
  }
  const parallel = Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(
      `default-benchmark: --parallel ${values.parallel} is not valid; allowed: integers ≥ 1`,
    );
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new Error(
      `default-benchmark: --limit ${values.limit} is not valid; allowed: integers ≥ 0`,
    );
  }
  if (!(BACKEND_CHOICES as readonly string[]).includes(values.backend as string)) {
    throw new Error(
      `default-benchmark: --backend ${values.backend} is not valid; allowed: ${BACKEND_CHOICES.join(', ')}`,
    );
  }
  const shard: PlanShard = values.shard
    ? parseShard(values.shard)
    : (shardFromEnvironment(
        process.env,
        values['shard-count'] === undefined ? undefined : Number(values['shard-count']),
        values['shard-first'] === undefined ? undefined : Number(values['shard-first']),
      ) ?? { index: 0, count: 1 });

  const out = resolve(values.out as string);
  const cacheDir = resolve(values.cache as string);
  const dataPath = resolve(values.data as string);
  const protocol = LITE_PROTOCOL;
  const plan = planDefaultBenchmark();

  const prepared = await loadPreparedData(dataPath, protocol, { cacheDir });
  await mkdir(out, { recursive: true });
  const finished = await finishedUnits(out, prepared.protocol);
  for (const key of await longSeedFinished(out)) finished.add(key);
  const spanning = SPANNING_CELLS.map((code) => cellClassOf(code).representative);
  const first = parsePriority(values.first, spanning.length);
  const pending = prioritize(pendingRuns(plan, finished, shard), first, spanning);
  const inShard = plan.filter((_, i) => i % shard.count === shard.index);
  const all = planTotals(inShard);
  const left = planTotals(pending);
  log(
    `plan: ${all.total} runs in shard ${shard.index}/${shard.count} (grid ${all.grid}, space-filling ${all['space-filling']}, seeds ${all.seeds}, long ${all.long}, long seed study ${all['long-seeds']}; ${all.shortEquivalents} 12-epoch equivalents); finished ${all.total - left.total}, left ${left.total} (${left.shortEquivalents} equivalents)`,
  );
  log(
    `protocol ${prepared.protocol.name} v${prepared.protocol.version}; data ${dataPath}; out ${out}`,
  );
  const timed = await readTimingLines(join(out, 'timings.jsonl'));
  if (timed.length > 0) {
    const e = estimateRemaining(
      timed,
      pending,
      parallel,
      prepared.protocol.shortEpochs,
      prepared.protocol.longEpochs,
    );
    log(
      `timed so far: ${e.runs} runs, ${e.cpuPerEquivalent.toFixed(0)} s CPU and ${e.wallPerEquivalent.toFixed(0)} s wall per 12-epoch run; the rest (${e.equivalentsLeft} equivalents) ≈ ${e.hoursOnFreeCores.toFixed(1)} h on ${parallel} free core(s), ${e.hoursAtMeasuredRate.toFixed(1)} h at the measured wall rate`,
    );
  }
  if (values['dry-run']) {
    for (const run of pending.slice(0, limit ?? 20)) log(`next: ${describe(run)}`);
    return 0;
  }

  const config: SweepConfig = {
    protocol,
    dataPath,
    out,
    schedule: 'short',
    backend: values.backend as BackendChoice,
    cacheDir,
  };
  const lanes = Array.from({ length: parallel }, (_, i) => new Lane(i, config));
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: string) => {
    interrupts++;
    if (interrupts === 1) {
      log(`${name}: finishing the runs in progress, then stopping (again to stop at once)`);
      controller.abort();
    } else {
      for (const lane of lanes) lane.kill();
      process.exit(130);
    }
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const shortEpochs = prepared.protocol.shortEpochs;
  const longEpochs = prepared.protocol.longEpochs;
  const timings = join(out, 'timings.jsonl');
  const startedAt = Date.now();
  let equivalentsDone = 0;
  let equivalentsLeft = left.shortEquivalents;
  let secondsPerEquivalent = 0;
  let done = 0;
  let nextId = 0;
  const summary = await runQueue(
    pending,
    (run, lane) =>
      lanes[lane].train(nextId++, run, (epoch, epochs, valid) =>
        log(
          `worker ${lane}: ${describe(run)}: epoch ${epoch}/${epochs} valid ${valid.toFixed(2)}%`,
        ),
      ),
    {
      parallel,
      limit,
      signal: controller.signal,
      onStart: (run, lane) => log(`worker ${lane}: start ${describe(run)}`),
      onDone: (run, lane, outcome) => {
        done++;
        const cost = runCost(run, shortEpochs, longEpochs);
        equivalentsDone += cost;
        equivalentsLeft -= cost;
        secondsPerEquivalent = (Date.now() - startedAt) / 1000 / equivalentsDone;
        const eta = equivalentsLeft * secondsPerEquivalent;
        log(
          `worker ${lane}: done ${describe(run)}: ${outcome.accuracy.toFixed(2)}% in ${outcome.seconds.toFixed(0)} s wall, ${outcome.cpuSeconds.toFixed(0)} s CPU; ${all.total - left.total + done}/${all.total} finished, ETA ${hours(eta)}`,
        );
        const line = {
          id: runId(run),
          key: finishedKey(run),
          purpose: run.purpose,
          schedule: run.schedule,
          ...(run.seeds ? { seeds: run.seeds, equivalents: cost } : {}),
          wallSeconds: Number(outcome.seconds.toFixed(3)),
          cpuSeconds: Number(outcome.cpuSeconds.toFixed(3)),
          accuracy: outcome.accuracy,
          parallel,
          host: hostname(),
          finishedAt: new Date().toISOString(),
        };
        appendFile(timings, `${JSON.stringify(line)}\n`).catch((error: Error) =>
          log(`cannot append to ${timings}: ${error.message}`),
        );
      },
      onFail: (run, lane, error) =>
        log(`worker ${lane}: FAILED ${describe(run)}: ${error.message}`),
    },
  );
  for (const lane of lanes) lane.stop();
  log(
    `stopped: trained ${summary.trained}, failed ${summary.failed}${summary.reason ? ` (${summary.reason})` : ''}; ${hours((Date.now() - startedAt) / 1000)} wall`,
  );
  return summary.failed > 0 || summary.reason === 'failures' ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    log(error.message);
    process.exitCode = 2;
  },
);

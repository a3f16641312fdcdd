import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '@nashpobench2/search-space';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkView } from './benchmark-view.js';
import {
  assembleExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  experimentSeeds,
  type RunResult,
  runKey,
} from './experiment.js';
import type { BenchmarkSource, WorkerInput, WorkerJob } from './experiment-worker.js';
import { renderSvg } from './plots.js';
import { optimizerDefinition, resolveSettings } from './registry.js';
import { parseResults, resultsToJson } from './results-file.js';

export type { BenchmarkSource } from './experiment-worker.js';
export * from './index.js';

/**
 * Writes `content` to `path` atomically: a temporary file beside it, flushed to disk, then renamed
 * over it. A failure (or a kill) never leaves a partial file under `path`, and a failed write
 * removes its temporary file.
 */
async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes an experiment as JSON, atomically (temporary file, then rename). */
export async function writeResults(path: string, result: ExperimentResult): Promise<void> {
  await writeFileAtomic(path, resultsToJson(result));
}

/** Reads an experiment written by `writeResults`. */
export async function readResults(path: string): Promise<ExperimentResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InvalidArgumentError('optimizers', 'results path', path, 'a readable results file');
  }
  return parseResults(text);
}

/** Rasterizes an SVG document to PNG bytes with resvg; `scale` multiplies the size, default 2. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Renders a Vega-Lite spec to `path`, as SVG or PNG by the extension (.svg, .png). */
export async function writePlot(path: string, spec: TopLevelSpec): Promise<void> {
  const extension = extname(path).toLowerCase();
  if (extension !== '.svg' && extension !== '.png') {
    throw new InvalidArgumentError(
      'optimizers',
      'plot path',
      path,
      'a file name ending in .svg or .png',
    );
  }
  const svg = await renderSvg(spec);
  await writeFileAtomic(path, extension === '.svg' ? svg : svgToPng(svg));
}

/** Options of a parallel experiment. */
export interface ParallelExperimentOptions extends ExperimentOptions {
  /** Worker threads, integer ≥ 1; default available cores − 1 (at least 1), at most the runs. */
  readonly threads?: number;
}

/**
 * Runs an experiment spread over worker threads, each opening the benchmark from `source`.
 * Results equal `runExperiment`'s for the same options (every run depends only on its seed).
 * `benchmark` is the parent's copy of the same data, used for the reference values.
 */
export async function runExperimentParallel(
  source: BenchmarkSource,
  benchmark: BenchmarkView,
  ids: readonly string[],
  options: ParallelExperimentOptions,
): Promise<ExperimentResult> {
  const seeds = experimentSeeds(options);
  const settings = ids.map((id) => resolveSettings(id, options.settings?.[id]));
  const allJobs: WorkerJob[] = ids.flatMap((id, o) =>
    seeds.map((seed, r) => ({ job: o * seeds.length + r, id, settings: settings[o], seed })),
  );
  const runs = new Array<RunResult>(allJobs.length);
  let done = 0;
  const jobs: WorkerJob[] = [];
  for (const job of allJobs) {
    const finished = options.finishedRuns?.get(runKey(job.id, job.seed));
    if (finished === undefined) {
      jobs.push(job);
    } else {
      runs[job.job] = finished;
      options.onRunDone?.(++done, allJobs.length);
    }
  }
  const threads = Math.max(
    1,
    Math.min(options.threads ?? Math.max(1, availableParallelism() - 1), jobs.length),
  );
  const harness = {
    budgetSeconds: options.budgetSeconds,
    workers: options.workers ?? 1,
    querySeed: options.querySeed ?? 'per-run',
    incumbent: options.incumbent ?? 'any-fidelity',
  };

  const chunks = Array.from({ length: threads }, (_, t) =>
    jobs.filter((_, j) => j % threads === t),
  );
  await Promise.all(
    (jobs.length === 0 ? [] : chunks).map(
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          const input: WorkerInput = { source, harness, jobs: chunk };
          const worker = spawnWorker(input);
          worker.on(
            'message',
            (message: { type: string; job?: number; run?: RunResult; message?: string }) => {
              if (message.type === 'run') {
                const job = allJobs[message.job!];
                runs[job.job] = message.run!;
                options.onRun?.(job.id, job.seed, message.run!);
                options.onRunDone?.(++done, allJobs.length);
              } else if (message.type === 'done') {
                worker.terminate().then(() => resolve(), reject);
              } else if (message.type === 'error') {
                worker.terminate();
                reject(new Error(message.message));
              }
            },
          );
          worker.on('error', reject);
        }),
    ),
  );

  const optimizers = ids.map((id, o) => ({
    id,
    settings: settings[o],
    ignoresBudget: optimizerDefinition(id).ignoresBudget(settings[o]),
    runs: runs.slice(o * seeds.length, (o + 1) * seeds.length),
  }));
  return assembleExperiment(benchmark, options, optimizers);
}

function spawnWorker(input: WorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./experiment-worker.js', import.meta.url), { workerData: input });
  }
  // running from TypeScript sources (tests): register the tsx loader inside the worker first
  // (`execArgv: ['--import', 'tsx']` is not honoured by worker threads on Node 20)
  // (the bare specifier resolves from the working directory: the repository, in tests)
  const loader = 'tsx/esm/api';
  const entry = new URL('./experiment-worker.ts', import.meta.url).href;
  const code =
    `import(${JSON.stringify(loader)}).then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: input });
}

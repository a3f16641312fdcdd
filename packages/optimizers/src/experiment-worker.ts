import { parentPort, workerData } from 'node:worker_threads';
import { makeSyntheticBenchmark, type SyntheticOptions } from '@nashpobench2/dataset';
import { openBenchmark } from '@nashpobench2/dataset/node';
import { type HarnessOptions, runOptimizer } from './experiment.js';
import type { OptimizerSettings } from './optimizer.js';

/** Where a worker thread gets its benchmark: a file or folder, or the dataset's synthetic builder. */
export type BenchmarkSource =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'synthetic'; readonly options?: SyntheticOptions };

/** One run for a worker: optimizer id with complete settings and the run seed. */
export interface WorkerJob {
  readonly job: number;
  readonly id: string;
  readonly settings: OptimizerSettings;
  readonly seed: number;
}

/** What the parent sends a worker thread. */
export interface WorkerInput {
  readonly source: BenchmarkSource;
  readonly harness: HarnessOptions;
  readonly jobs: WorkerJob[];
}

async function work(input: WorkerInput): Promise<void> {
  const benchmark =
    input.source.kind === 'path'
      ? await openBenchmark(input.source.path)
      : makeSyntheticBenchmark(input.source.options);
  for (const job of input.jobs) {
    const run = runOptimizer(benchmark, job.id, job.seed, input.harness, job.settings);
    parentPort!.postMessage({ type: 'run', job: job.job, run });
  }
  parentPort!.postMessage({ type: 'done' });
}

if (parentPort) {
  work(workerData as WorkerInput).catch((error: unknown) => {
    parentPort!.postMessage({ type: 'error', message: (error as Error).message ?? String(error) });
  });
}

/// <reference lib="webworker" />
import {
  assembleExperiment,
  type ExperimentOptions,
  type OptimizerResult,
  optimizerDefinition,
  resolveSettings,
  runOptimizer,
} from '@nashpobench2/optimizers';
import { unpackBenchmark } from '../load/benchmark-transfer.js';
import type { RaceReply, RaceRequest } from './race-messages.js';

declare const self: DedicatedWorkerGlobalScope;

function post(reply: RaceReply): void {
  self.postMessage(reply);
}

// Runs seed by seed, every optimizer once per seed, so all curves grow together; the page
// stops a race by terminating this worker.
self.onmessage = (event: MessageEvent<RaceRequest>) => {
  try {
    const { plan } = event.data;
    const benchmark = unpackBenchmark(event.data.benchmark);
    const options: ExperimentOptions = {
      budgetSeconds: plan.budgetSeconds,
      runs: plan.runs,
      seed: plan.firstSeed,
      settings: plan.settings,
    };
    const results: OptimizerResult[] = plan.ids.map((id) => {
      const settings = resolveSettings(id, plan.settings?.[id]);
      return {
        id,
        settings,
        ignoresBudget: optimizerDefinition(id).ignoresBudget(settings),
        runs: [],
      };
    });

    const total = plan.ids.length * plan.runs;
    let done = 0;
    for (let r = 0; r < plan.runs; r++) {
      for (const result of results) {
        const run = runOptimizer(
          benchmark,
          result.id,
          plan.firstSeed + r,
          options,
          result.settings,
        );
        result.runs.push(run);
        done++;
        post({ type: 'run', id: result.id, run, done, total });
      }
    }
    post({ type: 'done', result: assembleExperiment(benchmark, options, results) });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};

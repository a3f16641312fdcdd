/**
 * `pnpm bench`: optimizer runs per second at the paper's budget (20,000 simulated seconds) on
 * the full-size synthetic benchmark (1,011 classes × 48 pairs × 3 seeds, the dataset package's
 * builder), one thread, per-run training seeds. Prints one line per optimizer and the wall time
 * of a whole `compare paper` experiment (6 × 100 runs, statistics included).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { makeSyntheticBenchmark } from '@nashpobench2/dataset';
import {
  benchmarkOptimum,
  meanFullEvaluationSeconds,
  OPTIMIZERS,
  PAPER_OPTIMIZER_IDS,
  runExperiment,
  runOptimizer,
  summarizeExperiment,
} from '../src/index.js';

const BUDGET_SECONDS = 20_000;
/** Each optimizer runs for at least this long and at least MIN_RUNS runs. */
const MIN_SECONDS = 3;
const MIN_RUNS = 10;

function main(): void {
  let start = performance.now();
  const bench = makeSyntheticBenchmark();
  console.log(`benchmark built in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  const fullEvaluation = meanFullEvaluationSeconds(bench);
  benchmarkOptimum(bench);
  console.log(
    `reference scans (mean full evaluation ${fullEvaluation.toFixed(1)} s, optimum) in ` +
      `${((performance.now() - start) / 1000).toFixed(2)} s`,
  );
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log(
    `${'optimizer'.padEnd(24)} ${'runs/s'.padStart(8)} ${'ms/run'.padStart(8)} ` +
      `${'evals/run'.padStart(10)} ${'evals/s'.padStart(9)}`,
  );

  for (const { id } of OPTIMIZERS) {
    let runs = 0;
    let evaluations = 0;
    const begin = performance.now();
    while (runs < MIN_RUNS || performance.now() - begin < MIN_SECONDS * 1000) {
      const run = runOptimizer(bench, id, runs, { budgetSeconds: BUDGET_SECONDS });
      evaluations += run.evaluations;
      runs++;
    }
    const elapsed = (performance.now() - begin) / 1000;
    console.log(
      `${id.padEnd(24)} ${(runs / elapsed).toFixed(1).padStart(8)} ` +
        `${((1000 * elapsed) / runs).toFixed(2).padStart(8)} ` +
        `${(evaluations / runs).toFixed(1).padStart(10)} ` +
        `${(evaluations / elapsed).toFixed(0).padStart(9)}`,
    );
  }

  start = performance.now();
  const result = runExperiment(bench, PAPER_OPTIMIZER_IDS, {
    budgetSeconds: BUDGET_SECONDS,
    runs: 100,
  });
  summarizeExperiment(result);
  console.log(
    `compare paper, 6 × 100 runs with statistics: ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}

main();

/**
 * `pnpm bench`: fits the short and long surrogates on SYNTHETIC training data (no real training
 * behind these numbers), completes all 48,528 configurations, and times prediction. Prints the
 * held-out tables as Markdown (what packages/surrogate/README.md records) and the timings.
 *
 * Wall and CPU seconds are both reported: on a shared machine the wall time includes waiting for
 * a core. NHB_BENCH_STEPS overrides the ensemble's Adam steps (default: the library default).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BenchmarkSurrogate,
  completeBenchmark,
  makeSyntheticTrainingData,
  type RegressionMetrics,
  type TargetReport,
} from '../src/index.js';

const steps = process.env.NHB_BENCH_STEPS ? Number(process.env.NHB_BENCH_STEPS) : undefined;

function clock(): () => { wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
}

const f = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function row(model: string, m: RegressionMetrics, c: RegressionMetrics, seconds: number): string {
  const cells = [
    model,
    f(m.r2, 3),
    f(m.kendallTau, 3),
    f(m.spearmanRho, 3),
    f(m.mae, 2),
    f(m.top10Recall, 2),
    `${f(m.coverage50, 2)} → ${f(c.coverage50, 2)}`,
    `${f(m.coverage90, 2)} → ${f(c.coverage90, 2)}`,
    f(seconds, 1),
  ];
  return `| ${cells.join(' | ')} |`;
}

function markdown(report: TargetReport): string {
  const lines = [
    `**${report.target}** — ${report.rows} configurations, ${report.groups} classes, ` +
      `${report.folds} folds grouped by class; headline output \`${report.headline}\`; ` +
      `chosen: ${report.chosen}.`,
    '',
    '| model | R² | Kendall τ | Spearman ρ | MAE | top-10% recall | cov. 50% (raw → cal.) | cov. 90% (raw → cal.) | CV seconds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.models.map((m) => row(m.model, m.headline, m.headlineCalibrated, m.seconds)),
  ];
  // Multi-output targets (the short curves): the final accuracy and loss and the costs too.
  const names = new Set(report.models[0]?.outputs.map((output) => output.name) ?? []);
  const epoch = [...names].filter((n) => n.startsWith('trainSeconds@')).length;
  const secondary = [`testAccuracy@${epoch}`, `trainLoss@${epoch}`, 'trainSeconds@1']
    .concat([`trainSeconds@${epoch}`, `validSeconds@${epoch}`])
    .filter((name) => names.has(name));
  for (const name of secondary) {
    for (const m of report.models) {
      const output = m.outputs.find((o) => o.name === name);
      if (output)
        lines.push(row(`${m.model}: \`${name}\``, output.raw, output.calibrated, Number.NaN));
    }
  }
  return lines.join('\n');
}

const data = makeSyntheticTrainingData();
console.log(
  `SYNTHETIC data: ${data.runs.length} runs, ${new Set(data.runs.map((r) => `${r.classId}/${r.lr}/${r.batchSize}`)).size} configurations, ${data.long.length} long values; ` +
    `${cpus().length} cores, load ${loadavg()[0].toFixed(1)}`,
);

const stages: { stage: string; wall: number }[] = [];
let stageClock = clock();
let stage = '';
const total = clock();
const done = completeBenchmark(data.runs, data.long, data.protocol, {
  ensemble: steps ? { steps } : undefined,
  onProgress: (progress) => {
    if (progress.stage !== stage) {
      if (stage) stages.push({ stage, wall: stageClock().wall });
      stage = progress.stage;
      stageClock = clock();
    }
  },
});
stages.push({ stage, wall: stageClock().wall });
const fitTime = total();

const bundle = BenchmarkSurrogate.fromFit(done.short, done.longFit, data.protocol, {
  source: 'bench',
  synthetic: true,
  createdAt: new Date().toISOString(),
});
const single = clock();
for (let i = 0; i < 100; i++)
  bundle.predict([{ cellCode: '0|10|210', lr: 0.1, batchSize: 256, seed: i }]);
const singleTime = single();
const queries = done.long.slice(0, 1000).map((r) => ({ ...r, seed: 222 }));
const batch = clock();
bundle.predict(queries);
const batchTime = batch();

for (const report of done.reports) console.log(`\n${markdown(report)}`);
console.log('\nstages (wall seconds):');
for (const s of stages) console.log(`  ${s.stage}: ${s.wall.toFixed(1)}`);
console.log(
  `\nfit + complete: ${fitTime.wall.toFixed(1)} s wall, ${fitTime.cpu.toFixed(1)} s CPU; ` +
    `predict one configuration: ${((1000 * singleTime.wall) / 100).toFixed(1)} ms; ` +
    `1,000 configurations: ${batchTime.wall.toFixed(2)} s; model file ${(JSON.stringify(bundle).length / 1024).toFixed(0)} KiB`,
);

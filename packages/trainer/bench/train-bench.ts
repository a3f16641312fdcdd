/**
 * Training and evaluation throughput of the lite-sized network (16×16 input, width 8, 1 cell per
 * stage) on TensorFlow.js backends, optionally beside the PyTorch reference in the same sitting.
 *
 *   pnpm bench                                   # wasm, fast kernels, both cells, batch 64 and 256
 *   pnpm bench -- --kernels stock                # stock tfjs-backend-wasm (the "before" figures)
 *   pnpm bench -- --parallel 2 --torch           # two processes, plus PyTorch with 2 threads
 *   pnpm bench -- --profile --cells '0|00|000' --batches 256
 *
 * Options: --backend wasm|cpu, --kernels fast|stock, --cells a,b, --batches 64,256, --steps N,
 * --eval-steps N, --parallel P, --torch, --profile, --json FILE. Timings are medians of the timed
 * steps after 3 warm-up steps; with --parallel every process runs the same setting at once and the
 * throughputs add up.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchRow, measureSetting, setupBackend } from './measure.js';
import { runTorchReference, type TorchRow } from './torch-reference.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    kernels: { type: 'string', default: 'fast' },
    cells: { type: 'string', default: '0|00|000,2|22|222' },
    batches: { type: 'string', default: '64,256' },
    steps: { type: 'string', default: '20' },
    'eval-steps': { type: 'string', default: '20' },
    parallel: { type: 'string', default: '1' },
    torch: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    worker: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const cells = values.cells.split(',');
const batches = values.batches.split(',').map(Number);
const parallel = Number(values.parallel);
const steps = Number(values.steps);
const evalSteps = Number(values['eval-steps']);

async function runWorker(cell: string, batch: number): Promise<BenchRow> {
  await setupBackend(values.backend, values.kernels);
  return measureSetting({ cell, batch, steps, evalSteps, profile: values.profile });
}

function spawnWorker(cell: string, batch: number): Promise<BenchRow> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--worker', '--backend', values.backend];
  args.push('--kernels', values.kernels, '--cells', cell, '--batches', String(batch));
  args.push('--steps', String(steps), '--eval-steps', String(evalSteps));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`bench worker exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as BenchRow);
    });
  });
}

function format(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

async function main(): Promise<void> {
  if (values.worker) {
    process.stdout.write(`${JSON.stringify(await runWorker(cells[0], batches[0]))}\n`);
    return;
  }
  const torch: TorchRow[] = values.torch ? runTorchReference(cells, parallel) : [];
  const date = new Date().toISOString();
  console.log(`# ${values.backend} backend, ${values.kernels} kernels, ${parallel} process(es), ${date}`);
  console.log(
    '| cell | batch | train img/s | eval img/s | step ms | fwd(train) ms | fwd(eval) ms | step/fwd(eval) | step/fwd(train) | torch train | torch eval | train vs torch |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const cell of cells) {
    for (const batch of batches) {
      const rows =
        parallel === 1
          ? [await runWorker(cell, batch)]
          : await Promise.all(Array.from({ length: parallel }, () => spawnWorker(cell, batch)));
      const train = rows.reduce((s, r) => s + r.trainImagesPerSecond, 0);
      const evalIps = rows.reduce((s, r) => s + r.evalImagesPerSecond, 0);
      const r = rows[0];
      const ref = torch.find((t) => t.cell === cell && t.batch === batch);
      const ratio = ref ? `${((100 * train) / ref.trainImagesPerSecond).toFixed(0)}%` : '-';
      console.log(
        `| \`${cell}\` | ${batch} | ${format(train)} | ${format(evalIps)} | ${format(r.stepMs)} | ${format(r.trainForwardMs)} | ${format(r.evalForwardMs)} | ${(r.stepMs / r.evalForwardMs).toFixed(2)} | ${(r.stepMs / r.trainForwardMs).toFixed(2)} | ${ref ? format(ref.trainImagesPerSecond) : '-'} | ${ref ? format(ref.evalImagesPerSecond) : '-'} | ${ratio} |`,
      );
      if (r.profile) console.log(r.profile);
      if (values.json) {
        const record = { date, backend: values.backend, kernels: values.kernels, parallel, cell, batch, train, eval: evalIps, rows, torch: ref };
        appendFileSync(values.json, `${JSON.stringify(record)}\n`);
      }
    }
  }
}

await main();

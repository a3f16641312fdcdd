/**
 * Training and evaluation throughput of the trainer's network on TensorFlow.js CPU backends,
 * beside the PyTorch reference measured in the same sitting. Not a test: `pnpm bench`.
 *
 *   pnpm bench                                     # wasm, lite network, issue cells, batch 64/256
 *   pnpm bench -- --parallel 2 --torch             # 2 worker processes, plus PyTorch (2 threads)
 *   pnpm bench -- --kernels stock                  # stock tfjs 4.22 kernels (the "before")
 *   pnpm bench -- --network paper --warmup 2 --steps 3   # the paper-size network
 *   pnpm bench -- --profile --cells '0|00|000' --batches 256
 *
 * Options: --backends wasm,cpu; --kernels fast|stock; --network lite|paper (comma list);
 * --cells A,B; --batches 64,256; --steps N (timed train steps, median), --eval-steps N,
 * --warmup N (default 50: V8 tiers WASM and JavaScript up over the first tens of steps, and a
 * training run takes thousands; with 3 a small cell's step measured 1.5× its steady state);
 * --parallel P (P processes run the same setting at once, throughputs add up);
 * --torch; --torch-cpu (PyTorch's step in CPU time on 1 thread, beside the WASM CPU time:
 * a per-core comparison that holds on a loaded machine); --profile (CPU ms per kernel over
 * --profile-steps N steps, default 3; --profile-shapes also by input shapes, all of them);
 * --json FILE (appends one line per setting).
 * Each setting runs in fresh processes, so WASM heaps and caches do not carry over.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runWorker, type WorkerResult } from './measure.js';
import {
  runTorchCpu,
  runTorchReference,
  type TorchCpuRow,
  type TorchRow,
  torchUnavailable,
} from './torch-reference.js';

// pnpm 10 passes the `--` of `pnpm bench -- --flag` through; it separates nothing here.
const argv = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values } = parseArgs({
  args: argv,
  options: {
    backends: { type: 'string', default: 'wasm' },
    kernels: { type: 'string', default: 'fast' },
    network: { type: 'string', default: 'lite' },
    cells: { type: 'string', default: '0|00|000,1|22|122,2|22|222' },
    batches: { type: 'string', default: '64,256' },
    steps: { type: 'string', default: '20' },
    'eval-steps': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '50' },
    parallel: { type: 'string', default: '1' },
    torch: { type: 'boolean', default: false },
    'torch-cpu': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-steps': { type: 'string', default: '3' },
    'profile-shapes': { type: 'boolean', default: false },
    json: { type: 'string' },
    worker: { type: 'string' },
  },
});

interface Setting {
  backend: 'wasm' | 'cpu';
  network: string;
  cell: string;
  batch: number;
}

const list = (text: string) => text.split(',').filter((item) => item.length > 0);
const count = (name: string, text: string, min: number) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`bench: --${name} ${text}: want an integer ≥ ${min}`);
  return n;
};

const steps = count('steps', values.steps, 1);
const evalSteps = count('eval-steps', values['eval-steps'], 1);
const warmup = count('warmup', values.warmup, 0);
const parallel = count('parallel', values.parallel, 1);
const kernels = values.kernels as 'fast' | 'stock';
if (kernels !== 'fast' && kernels !== 'stock')
  throw new Error(`bench: --kernels ${kernels}: fast or stock`);

/** Worker mode: run one setting, meeting the parent at each barrier over stdin/stdout. */
async function workerMain(setting: Setting): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const barrier = async (phase: string) => {
    process.stdout.write(`barrier ${phase}\n`);
    await lines.next();
  };
  const result = await runWorker({
    ...setting,
    kernels,
    steps,
    evalSteps,
    warmup,
    profile: values.profile,
    profileSteps: count('profile-steps', values['profile-steps'], 1),
    profileShapes: values['profile-shapes'],
    barrier,
  });
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** Runs `parallel` workers on one setting; releases them together at every barrier. */
function runSetting(setting: Setting): Promise<WorkerResult[]> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--worker', JSON.stringify(setting)];
  args.push('--kernels', kernels, '--steps', String(steps), '--eval-steps', String(evalSteps));
  args.push('--warmup', String(warmup));
  if (values.profile) args.push('--profile', '--profile-steps', values['profile-steps']);
  if (values['profile-shapes']) args.push('--profile-shapes');
  const children = Array.from({ length: parallel }, () =>
    spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  let waiting = 0;
  const results: WorkerResult[] = [];
  return new Promise((resolve, reject) => {
    let finished = 0;
    for (const child of children) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('barrier ')) {
          waiting += 1;
          if (waiting === children.length) {
            waiting = 0;
            for (const c of children) c.stdin.write('go\n');
          }
        } else if (line.startsWith('result ')) {
          results.push(JSON.parse(line.slice('result '.length)) as WorkerResult);
        }
      });
      child.on('close', (code) => {
        if (code !== 0)
          reject(new Error(`bench: worker for ${JSON.stringify(setting)} exited ${code}`));
        finished += 1;
        if (finished === children.length) resolve(results);
      });
    }
  });
}

const format = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

async function main(): Promise<void> {
  if (values.worker) return workerMain(JSON.parse(values.worker) as Setting);

  const backends = list(values.backends) as ('wasm' | 'cpu')[];
  const networks = list(values.network);
  const cells = list(values.cells);
  const batches = list(values.batches).map((b) => count('batches', b, 2));
  const started = new Date().toISOString();
  console.log(
    `# ${started}; ${cpus().length} cores (${cpus()[0]?.model}); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `# kernels ${kernels}; ${parallel} process(es); medians of ${steps} steps / ${evalSteps} forwards after ${warmup} warm-up steps`,
  );

  let torch: TorchRow[] = [];
  if (values.torch) {
    const why = torchUnavailable();
    if (why) console.log(`# PyTorch reference skipped: ${why}`);
    else torch = runTorchReference(networks, cells, parallel);
  }
  let torchCpu: TorchCpuRow[] = [];
  if (values['torch-cpu']) {
    const why = torchUnavailable();
    if (why) console.log(`# PyTorch CPU-time reference skipped: ${why}`);
    else torchCpu = runTorchCpu(networks, cells, 1);
  }

  console.log(
    '| backend | network | cell | batch | train img/s | eval img/s | step ms | fwd train ms | fwd eval ms | step/fwd train | step/fwd eval | step CPU ms | step/fwd CPU | torch train img/s | torch eval img/s | train vs torch | eval vs torch |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const backend of backends) {
    for (const network of networks) {
      for (const cell of cells) {
        for (const batch of batches) {
          const setting = { backend, network, cell, batch };
          const rows = await runSetting(setting);
          const trainIps = rows.reduce((s, r) => s + (1000 * batch) / r.stepMs, 0);
          const evalIps = rows.reduce((s, r) => s + (1000 * batch) / r.evalForwardMs, 0);
          const mid = <K extends keyof WorkerResult>(key: K) =>
            rows.map((r) => r[key] as number).sort((a, b) => a - b)[rows.length >> 1];
          const ref = torch.find(
            (t) => t.network === network && t.cell === cell && t.batch === batch,
          );
          const pct = (a: number, b?: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');
          console.log(
            `| ${backend} | ${network} | \`${cell}\` | ${batch} | ${format(trainIps)} | ${format(evalIps)} | ${format(mid('stepMs'))} | ${format(mid('trainForwardMs'))} | ${format(mid('evalForwardMs'))} | ${(mid('stepMs') / mid('trainForwardMs')).toFixed(2)} | ${(mid('stepMs') / mid('evalForwardMs')).toFixed(2)} | ${format(mid('stepCpuMs'))} | ${(mid('stepCpuMs') / mid('trainForwardCpuMs')).toFixed(2)} | ${ref ? format(ref.trainImagesPerSecond) : '-'} | ${ref ? format(ref.evalImagesPerSecond) : '-'} | ${pct(trainIps, ref?.trainImagesPerSecond)} | ${pct(evalIps, ref?.evalImagesPerSecond)} |`,
          );
          const refCpu = torchCpu.find(
            (t) => t.network === network && t.cell === cell && t.batch === batch,
          );
          if (refCpu) {
            const wasmCpu = rows.map((r) => r.stepCpuMs).reduce((a, b) => a + b, 0) / rows.length;
            const perCore = refCpu.trainCpuMs / wasmCpu;
            console.log(
              `#   per core, CPU ms per train step: PyTorch (1 thread) ${format(refCpu.trainCpuMs)}, WASM ${format(wasmCpu)} (mean of ${rows.length}): ${(100 * perCore).toFixed(0)}%; ${parallel} WASM process(es) at this CPU time: ${format((parallel * 1000 * batch) / wasmCpu)} img/s`,
            );
          }
          if (network === 'paper' || values.profile) {
            console.log(
              `#   WASM heap after the steps: ${rows.map((r) => r.memoryMiB.toFixed(0)).join(', ')} MiB`,
            );
          }
          const leaked = rows.map((r) => r.leakedTensors).filter((n) => n !== 0);
          if (leaked.length > 0) console.log(`#   leaked tensors per worker: ${leaked.join(', ')}`);
          for (const r of rows.slice(0, 1)) {
            if (!r.profile) continue;
            const { 'step (cpu)': wall, ...all } = r.profile;
            const byKernel = Object.fromEntries(
              Object.entries(all).filter(([name]) => !name.startsWith('  ')),
            );
            const total = Object.values(byKernel).reduce((a, b) => a + b, 0);
            const top = Object.entries(byKernel)
              .sort((a, b) => b[1] - a[1])
              .slice(0, 16)
              .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
            console.log(
              `#   profile, CPU ms per step: ${wall.toFixed(0)}, in kernels ${total.toFixed(0)}, outside ${(wall - total).toFixed(0)}; ${top.join(', ')}`,
            );
            const shapes = Object.entries(all)
              .filter(([name]) => name.startsWith('  '))
              .sort((a, b) => b[1] - a[1]);
            for (const [name, ms] of shapes) console.log(`#   ${ms.toFixed(2)} ${name.trim()}`);
          }
          if (values.json) {
            const record = {
              started,
              kernels,
              parallel,
              ...setting,
              trainIps,
              evalIps,
              rows,
              torch: ref ?? null,
              load: loadavg(),
            };
            appendFileSync(values.json, `${JSON.stringify(record)}\n`);
          }
        }
      }
    }
  }
  console.log(
    `# load at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

await main();

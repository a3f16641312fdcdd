/** Runs the PyTorch reference script (shared/tools/torch-reference) in the same sitting. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One PyTorch measurement, images per second. */
export interface TorchRow {
  readonly network: string;
  readonly cell: string;
  readonly batch: number;
  readonly trainImagesPerSecond: number;
  readonly evalImagesPerSecond: number;
}

const SCRIPT = fileURLToPath(
  new URL('../../../../shared/tools/torch-reference/bench_nb201.py', import.meta.url),
);
const PYTHON = '/usr/bin/python3';

/** Why the reference cannot run here, or null when it can. */
export function torchUnavailable(): string | null {
  if (!existsSync(SCRIPT)) return `no reference script at ${SCRIPT}`;
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'python3-torch is not installed (apt-get install -y python3-torch)';
  }
  return null;
}

/**
 * PyTorch throughput of the given networks ('paper', 'lite') and cells with `threads` threads;
 * the script times every batch size of its setting (lite: 64 and 256; paper: 256 and 64).
 */
export function runTorchReference(
  networks: string[],
  cells: string[],
  threads: number,
): TorchRow[] {
  const folder = mkdtempSync(join(tmpdir(), 'nhb-torch-'));
  const out = join(folder, 'torch.jsonl');
  try {
    execFileSync(
      PYTHON,
      [SCRIPT, '--settings', networks.join(','), '--cells', cells.join(',')].concat([
        '--threads',
        String(threads),
        '--no-probe',
        '--json',
        out,
      ]),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .map((r) => ({
        network: r.setting,
        cell: r.cell,
        batch: r.batch,
        trainImagesPerSecond: r.train_ips,
        evalImagesPerSecond: r.eval_ips,
      }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** One PyTorch measurement in process CPU milliseconds per step (see bench/torch-cpu.py). */
export interface TorchCpuRow {
  readonly network: string;
  readonly cell: string;
  readonly batch: number;
  readonly trainCpuMs: number;
  readonly evalCpuMs: number;
}

/**
 * PyTorch's training and evaluation steps of the reference network in CPU time on `threads`
 * threads (1: the cost of a step on one core, whatever else loads the machine).
 */
export function runTorchCpu(networks: string[], cells: string[], threads: number): TorchCpuRow[] {
  const script = fileURLToPath(new URL('./torch-cpu.py', import.meta.url));
  const output = execFileSync(
    PYTHON,
    [script, dirname(SCRIPT), networks.join(','), cells.join(','), String(threads)],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
  );
  return output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .map((r) => ({
      network: r.setting,
      cell: r.cell,
      batch: r.batch,
      trainCpuMs: r.train_cpu_ms,
      evalCpuMs: r.eval_cpu_ms,
    }));
}

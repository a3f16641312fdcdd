/** Runs the PyTorch reference script (shared/tools/torch-reference) in the same sitting. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One PyTorch row: images per second with `threads` threads (= the number of processes). */
export interface TorchRow {
  readonly cell: string;
  readonly batch: number;
  readonly trainImagesPerSecond: number;
  readonly evalImagesPerSecond: number;
}

const SCRIPT = fileURLToPath(
  new URL('../../../../shared/tools/torch-reference/bench_nb201.py', import.meta.url),
);

/** Lite-setting PyTorch throughput for the given cells; empty when torch is not installed. */
export function runTorchReference(cells: string[], threads: number): TorchRow[] {
  if (!existsSync(SCRIPT) || !existsSync('/usr/bin/python3')) return [];
  const out = join(mkdtempSync(join(tmpdir(), 'nhb-torch-')), 'torch.jsonl');
  try {
    execFileSync(
      '/usr/bin/python3',
      [SCRIPT, '--settings', 'lite', '--cells', cells.join(','), '--threads', String(threads)]
        .concat(['--no-probe', '--json', out]),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  } catch {
    return [];
  }
  return readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .map((r) => ({
      cell: r.cell,
      batch: r.batch,
      trainImagesPerSecond: r.train_ips,
      evalImagesPerSecond: r.eval_ips,
    }));
}

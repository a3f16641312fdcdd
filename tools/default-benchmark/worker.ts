/**
 * A sweep lane's process (forked by `sweep.ts`): receives the sweep configuration, then one
 * planned run at a time, trains it with the trainer's `SweepExecutor` (which writes its part file
 * atomically) and reports epochs and the result, with the CPU time the run took.
 */
import { type SweepConfig, SweepExecutor } from '@nashpobench2/trainer/node';
import type { PlannedRun } from './plan.js';

/** Messages from the parent. */
export type ToLane =
  | { type: 'init'; config: SweepConfig }
  | { type: 'run'; id: number; run: PlannedRun }
  | { type: 'stop' };

/** Messages to the parent. */
export type FromLane =
  | { type: 'ready'; backend: string; device: string; skipped: string[] }
  | { type: 'epoch'; id: number; epoch: number; epochs: number; validAccuracy: number }
  | {
      type: 'done';
      id: number;
      path: string;
      accuracy: number;
      seconds: number;
      cpuSeconds: number;
    }
  | { type: 'error'; id: number | null; message: string };

function send(message: FromLane): void {
  process.send?.(message);
}

let executor: SweepExecutor | null = null;

// Ctrl-C reaches the whole process group: the parent decides (it lets runs in progress finish).
// When the parent goes away, the run in progress is abandoned (no part file is written for it).
process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));

process.on('message', async (message: ToLane) => {
  if (message.type === 'stop') {
    process.disconnect?.();
    return;
  }
  if (message.type === 'init') {
    try {
      executor = new SweepExecutor(message.config);
      const selection = await executor.init();
      send({ type: 'ready', ...selection, skipped: [...selection.skipped] });
    } catch (error) {
      send({ type: 'error', id: null, message: (error as Error).message });
    }
    return;
  }
  const { id, run } = message;
  try {
    if (!executor) throw new Error('default-benchmark worker: a run arrived before init');
    const task = { cellCode: run.cellCode, lr: run.lr, batchSize: run.batchSize, seed: run.seed };
    const cpu = process.cpuUsage();
    const onEpoch = (metrics: { epoch: number; validAccuracy: number }, epochs: number) =>
      send({
        type: 'epoch',
        id,
        epoch: metrics.epoch,
        epochs,
        validAccuracy: metrics.validAccuracy,
      });
    const result =
      run.schedule === 'long'
        ? await executor.runLong(task, [run.seed], onEpoch)
        : await executor.runShort(task, onEpoch);
    const used = process.cpuUsage(cpu);
    send({ type: 'done', id, ...result, cpuSeconds: (used.user + used.system) / 1e6 });
  } catch (error) {
    send({ type: 'error', id, message: (error as Error).stack ?? String(error) });
  }
});

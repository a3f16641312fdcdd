/**
 * Entry of a sweep worker process (started by `runSweep`, or by any driver, with
 * child_process.fork at `sweepWorkerEntry()`): receives its configuration and then one unit at a
 * time over IPC (`ToWorker`), trains it, writes its part file and reports epochs and results back
 * (`FromWorker`), with the CPU time the unit took.
 */
import { type SweepConfig, SweepExecutor } from './sweep-executor.js';
import type { SweepTask } from './sweep-plan.js';

/** Messages from the parent. */
export type ToWorker =
  | { type: 'init'; config: SweepConfig }
  | { type: 'unit'; id: number; task: SweepTask; seeds?: number[] }
  | { type: 'stop' };

/** Messages to the parent. */
export type FromWorker =
  | { type: 'ready'; backend: string; device: string; skipped: string[] }
  | {
      type: 'epoch';
      id: number;
      epoch: number;
      epochs: number;
      validAccuracy: number;
      seed: number;
    }
  | {
      type: 'done';
      id: number;
      path: string;
      accuracy: number;
      seconds: number;
      /** CPU seconds (user + system) this process spent on the unit. */
      cpuSeconds: number;
    }
  | { type: 'error'; id: number | null; message: string };

function send(message: FromWorker): void {
  process.send?.(message);
}

let executor: SweepExecutor | null = null;

// Ctrl-C reaches the whole process group: the parent decides (finish the unit, then 'stop'). If
// the parent goes away (a second Ctrl-C, a kill), the unit in progress is abandoned.
process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));

process.on('message', async (message: ToWorker) => {
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
  const { id, task, seeds } = message;
  try {
    if (!executor) throw new Error('sweep worker: a unit arrived before init');
    const cpu = process.cpuUsage();
    const result = seeds
      ? await executor.runLong(task, seeds, (metrics, epochs, seed) =>
          send({
            type: 'epoch',
            id,
            epoch: metrics.epoch,
            epochs,
            validAccuracy: metrics.validAccuracy,
            seed,
          }),
        )
      : await executor.runShort(task, (metrics, epochs) =>
          send({
            type: 'epoch',
            id,
            epoch: metrics.epoch,
            epochs,
            validAccuracy: metrics.validAccuracy,
            seed: task.seed,
          }),
        );
    const used = process.cpuUsage(cpu);
    send({ type: 'done', id, ...result, cpuSeconds: (used.user + used.system) / 1e6 });
  } catch (error) {
    send({ type: 'error', id, message: (error as Error).message });
  }
});

import type { SettingCorrelation, SettingTable } from '@nashpobench2/dataset';
import type { CorrelationReply } from './correlation.worker.js';

/**
 * Computes the setting-by-setting Kendall τ analysis of `table` in a Web Worker. Calls
 * `onDone` once with the result or an error message; the returned function cancels it.
 */
export function computeCorrelation(
  table: SettingTable,
  onDone: (result: { correlation: SettingCorrelation } | { message: string }) => void,
): () => void {
  const worker = new Worker(new URL('./correlation.worker.ts', import.meta.url), {
    type: 'module',
  });
  worker.onmessage = (event: MessageEvent<CorrelationReply>) => {
    worker.terminate();
    const reply = event.data;
    onDone(reply.type === 'done' ? { correlation: reply.correlation } : { message: reply.message });
  };
  worker.onerror = (event) => {
    worker.terminate();
    onDone({ message: `web: the correlation worker failed: ${event.message}` });
  };
  worker.postMessage(table);
  return () => worker.terminate();
}

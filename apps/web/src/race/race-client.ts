import type { Benchmark } from '@nashpobench2/dataset';
import { packBenchmark } from '../load/benchmark-transfer.js';
import type { RacePlan, RaceReply, RaceRequest } from './race-messages.js';

/** A race running in its own Web Worker. */
export interface RaceHandle {
  /** Stops the race now (terminates the worker); no further replies arrive. */
  stop(): void;
}

/** Starts a race in a new Web Worker; `onReply` receives every message until done or failed. */
export function startRace(
  benchmark: Benchmark,
  plan: RacePlan,
  onReply: (reply: RaceReply) => void,
): RaceHandle {
  const worker = new Worker(new URL('./race.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<RaceReply>) => {
    onReply(event.data);
    if (event.data.type !== 'run') worker.terminate();
  };
  worker.onerror = (event) => {
    onReply({ type: 'failed', message: `web: the race worker failed: ${event.message}` });
    worker.terminate();
  };
  // The tables are copied (structured clone), so the page keeps its own benchmark.
  const request: RaceRequest = { type: 'start', benchmark: packBenchmark(benchmark), plan };
  worker.postMessage(request);
  return { stop: () => worker.terminate() };
}

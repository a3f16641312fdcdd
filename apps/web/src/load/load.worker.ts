/// <reference lib="webworker" />
import { Benchmark } from '@nashpobench2/dataset';
import { packBenchmark, transferList } from './benchmark-transfer.js';
import { fetchWithProgress } from './fetch-progress.js';
import type { LoadReply, LoadRequest } from './load-messages.js';

declare const self: DedicatedWorkerGlobalScope;

function post(reply: LoadReply, transfer: Transferable[] = []): void {
  self.postMessage(reply, transfer);
}

// Downloading and parsing happen here so the page stays responsive; only the dense tables
// travel back (moved, not copied).
self.onmessage = async (event: MessageEvent<LoadRequest>) => {
  const request = event.data;
  try {
    const bytes =
      request.type === 'load-bytes'
        ? request.bytes
        : await fetchWithProgress(request.url, (p) => post({ type: 'download', ...p }));
    post({ type: 'parse', bytes: bytes.byteLength });

    // The explorer never shows losses: skipping those columns saves a third of the memory.
    const benchmark = await Benchmark.open(bytes, { columns: 'query' });
    const packed = packBenchmark(benchmark);
    post({ type: 'loaded', benchmark: packed, bytes: bytes.byteLength }, transferList(packed));
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};

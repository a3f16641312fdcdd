/// <reference lib="webworker" />
import { Benchmark, type OpenOptions } from '@nashpobench2/dataset';
import { packBenchmark, transferList } from './benchmark-transfer.js';
import { fetchWithProgress } from './fetch-progress.js';
import type { LoadReply, LoadRequest } from './load-messages.js';

declare const self: DedicatedWorkerGlobalScope;

// The explorer never shows losses: skipping those columns saves a third of the memory.
const QUERY_COLUMNS: OpenOptions = { columns: 'query' };

function post(reply: LoadReply, transfer: Transferable[] = []): void {
  self.postMessage(reply, transfer);
}

/** Opens the requested benchmark; `bytes` is the file size where this worker read the file. */
async function openRequested(
  request: LoadRequest,
): Promise<{ benchmark: Benchmark; bytes?: number }> {
  if (request.type === 'load-default') {
    // The dataset package fetches its embedded file itself (an asset of the built site, next to
    // this worker's script); its URL is not known here, so no byte progress is reported for it.
    return { benchmark: await Benchmark.open(undefined, QUERY_COLUMNS) };
  }

  const bytes =
    request.type === 'load-bytes'
      ? request.bytes
      : await fetchWithProgress(request.url, (p) => post({ type: 'download', ...p }));
  post({ type: 'parse', bytes: bytes.byteLength });
  return { benchmark: await Benchmark.open(bytes, QUERY_COLUMNS), bytes: bytes.byteLength };
}

// Downloading and parsing happen here so the page stays responsive; only the dense tables
// travel back (moved, not copied).
self.onmessage = async (event: MessageEvent<LoadRequest>) => {
  try {
    const { benchmark, bytes } = await openRequested(event.data);
    const packed = packBenchmark(benchmark);
    post({ type: 'loaded', benchmark: packed, bytes }, transferList(packed));
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};

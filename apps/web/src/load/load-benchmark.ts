import type { Benchmark } from '@nashpobench2/dataset';
import { cellClasses } from '@nashpobench2/search-space';
import { unpackBenchmark } from './benchmark-transfer.js';
import type { DataSource } from './data-source.js';
import type { LoadReply, LoadRequest } from './load-messages.js';

/** Performance marks of a load (read by the benchmark script): start, bytes in, tables in. */
export const LOAD_MARKS = {
  start: 'nhb:load-start',
  downloaded: 'nhb:load-downloaded',
  parsed: 'nhb:load-parsed',
  unpacked: 'nhb:load-unpacked',
} as const;

/**
 * Progress of a load, for the page's progress bar. The embedded default benchmark has a single
 * phase: the dataset package downloads and parses it in one call.
 */
export type LoadProgress =
  | { readonly phase: 'download'; readonly loaded: number; readonly total?: number }
  | { readonly phase: 'parse'; readonly bytes: number }
  | { readonly phase: 'embedded' };

/** A loaded benchmark and where it came from. */
export interface LoadedBenchmark {
  /** The benchmark, queried synchronously on the page. */
  readonly benchmark: Benchmark;
  /** Name shown as the file's origin. */
  readonly label: string;
  /** Size of the file, bytes; undefined for the embedded default (the dataset package read it). */
  readonly bytes?: number;
}

function requestFor(source: DataSource): Promise<LoadRequest> | LoadRequest {
  if (source.kind === 'default') return { type: 'load-default' };
  if (source.kind === 'url') {
    return { type: 'load-url', url: new URL(source.url, document.baseURI).href };
  }
  return source.file.arrayBuffer().then((bytes) => ({ type: 'load-bytes', bytes }));
}

/** Every view needs the 1,011 cell classes; warm them while the worker works (see the TODO). */
function warmCellClasses(): void {
  // The first use computes them (a few hundred ms); the page has nothing else to do meanwhile.
  // TODO: this is still one long main-thread task; it would vanish if search-space shipped
  // its 4,096 class ids precomputed (or accepted them from the worker).
  setTimeout(() => cellClasses(), 0);
}

/**
 * Loads a benchmark in a Web Worker (download with progress, Parquet parsing) and rebuilds it
 * on the page. Rejects with an Error whose message is meant for the page. Aborting `signal`
 * stops the worker and rejects with an `AbortError` (a newer load replaces this one).
 */
export async function loadBenchmark(
  source: DataSource,
  onProgress: (progress: LoadProgress) => void,
  signal?: AbortSignal,
): Promise<LoadedBenchmark> {
  const request = await requestFor(source);
  signal?.throwIfAborted();

  performance.mark(LOAD_MARKS.start);
  const worker = new Worker(new URL('./load.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<LoadedBenchmark>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      worker.onerror = (event) =>
        reject(new Error(`web: the load worker failed: ${event.message}`));
      worker.onmessage = (event: MessageEvent<LoadReply>) => {
        const reply = event.data;
        if (reply.type === 'download') onProgress({ phase: 'download', ...reply });
        else if (reply.type === 'parse') {
          performance.mark(LOAD_MARKS.downloaded);
          onProgress({ phase: 'parse', bytes: reply.bytes });
          warmCellClasses();
        } else if (reply.type === 'failed') reject(new Error(reply.message));
        else {
          performance.mark(LOAD_MARKS.parsed);
          const benchmark = unpackBenchmark(reply.benchmark);
          performance.mark(LOAD_MARKS.unpacked);
          resolve({ benchmark, label: source.label, bytes: reply.bytes });
        }
      };
      const transfer = request.type === 'load-bytes' ? [request.bytes] : [];
      worker.postMessage(request, transfer);
      if (request.type === 'load-default') {
        onProgress({ phase: 'embedded' });
        warmCellClasses();
      }
    });
  } finally {
    worker.terminate();
  }
}

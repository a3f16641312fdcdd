import type { TransferableBenchmark } from './benchmark-transfer.js';

/** Request to the load worker: a URL to fetch, bytes the user picked, or the embedded default. */
export type LoadRequest =
  | { readonly type: 'load-url'; readonly url: string }
  | { readonly type: 'load-bytes'; readonly bytes: ArrayBuffer }
  | { readonly type: 'load-default' };

/** Messages from the load worker, in order: progress…, then loaded or failed. */
export type LoadReply =
  | { readonly type: 'download'; readonly loaded: number; readonly total?: number }
  | { readonly type: 'parse'; readonly bytes: number }
  | { readonly type: 'loaded'; readonly benchmark: TransferableBenchmark; readonly bytes?: number }
  | { readonly type: 'failed'; readonly message: string };

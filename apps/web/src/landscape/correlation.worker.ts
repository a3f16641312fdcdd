/// <reference lib="webworker" />
import {
  type SettingCorrelation,
  type SettingTable,
  settingCorrelation,
} from '@nashpobench2/dataset';

declare const self: DedicatedWorkerGlobalScope;

/** Reply of the correlation worker: the 48 × 48 Kendall τ analysis, or why it failed. */
export type CorrelationReply =
  | { readonly type: 'done'; readonly correlation: SettingCorrelation }
  | { readonly type: 'failed'; readonly message: string };

// The 1,128 Kendall τ of a full table take most of a second; here they do not block the page.
self.onmessage = (event: MessageEvent<SettingTable>) => {
  try {
    const reply: CorrelationReply = { type: 'done', correlation: settingCorrelation(event.data) };
    self.postMessage(reply);
  } catch (error) {
    const reply: CorrelationReply = {
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    };
    self.postMessage(reply);
  }
};

import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/** A progress bar on stderr with counts and ETA; silent when stderr is not a terminal. */
export interface Progress {
  /** Sets the number of finished units and an optional status text. */
  update(done: number, status?: string): void;
  /** Stops the bar, leaving the final line. */
  stop(): void;
}

/**
 * Starts a progress bar of `total` units labelled `label`. The bar leaves the terminal's cursor
 * visible and installs no signal handlers: work that runs synchronously on the main thread
 * would delay a JavaScript handler until it ends, so Ctrl-C must keep its default effect (end the
 * process at once), and a cursor hidden at that moment would stay hidden in the user's shell.
 */
export function startProgress(io: CliIO, label: string, total: number): Progress {
  if (!io.interactive) {
    return { update: () => {}, stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | {status}`,
      stream: io.progressStream,
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return {
    update: (done, status = '') => bar.update(done, { status }),
    stop: () => bar.stop(),
  };
}

import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/** A progress bar on stderr with counts and ETA; silent when stderr is not a terminal. */
export interface Progress {
  /** Sets the number of finished units and an optional status text. */
  update(done: number, status?: string): void;
  /** Stops the bar, leaving the final line. */
  stop(): void;
}

/** Starts a progress bar of `total` units labelled `label`. */
export function startProgress(io: CliIO, label: string, total: number): Progress {
  if (!io.interactive) {
    return { update: () => {}, stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | {status}`,
      stream: io.progressStream,
      hideCursor: true,
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

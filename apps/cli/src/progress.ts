import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/** A progress bar on stderr with counts and ETA; silent when stderr is not a terminal. */
export interface Progress {
  /** Sets the number of finished units and an optional status text. */
  update(done: number, status?: string): void;
  /** Stops the bar, leaving the final line. */
  stop(): void;
}

/** Where termination signals arrive and are re-raised: the process, or a stand-in in tests. */
export interface SignalHost {
  readonly pid: number;
  once(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Starts a progress bar of `total` units labelled `label`. While it runs, Ctrl-C (SIGINT) or
 * SIGTERM first stops the bar, which shows the terminal's cursor again, and then ends the process
 * by the same signal as before (exit status 130 for Ctrl-C).
 */
export function startProgress(
  io: CliIO,
  label: string,
  total: number,
  host: SignalHost = process,
): Progress {
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
  const detach = () => {
    for (const signal of SIGNALS) host.removeListener(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals) {
    detach();
    bar.stop();
    host.kill(host.pid, signal);
  }
  for (const signal of SIGNALS) host.once(signal, onSignal);
  bar.start(total, 0, { status: '' });
  return {
    update: (done, status = '') => bar.update(done, { status }),
    stop: () => {
      detach();
      bar.stop();
    },
  };
}

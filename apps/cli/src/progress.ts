import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/**
 * A progress bar on stderr with counts and ETA; when stderr is not a terminal, a plain line at
 * each tenth of the work and at the end (`CliIO.progressLines`), or nothing.
 */
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
    return io.progressLines
      ? progressLines(io, label.trim(), total)
      : { update: () => {}, stop: () => {} };
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

/** Plain progress lines for logs: `label 30/100 (30 %), 12 s, about 28 s left`, each tenth and the end. */
function progressLines(io: CliIO, label: string, total: number): Progress {
  const started = performance.now();
  let lastTenth = 0;
  let lastDone = 0;
  let ended = false;
  const line = (done: number, status: string) => {
    const seconds = (performance.now() - started) / 1000;
    const left =
      done > 0 && done < total
        ? `, about ${Math.round((seconds / done) * (total - done))} s left`
        : '';
    const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
    io.err(
      `${label} ${done}/${total} (${percent} %), ${Math.round(seconds)} s${left}${status ? ` | ${status}` : ''}`,
    );
  };
  return {
    update: (done, status = '') => {
      lastDone = done;
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        if (done >= total) ended = true;
        line(done, status);
      }
    },
    stop: () => {
      if (!ended && lastDone > 0) line(lastDone, '');
      ended = true;
    },
  };
}

import { NhbError } from '@nashpobench2/search-space';

/** Streams and flags every command writes through; tests replace the streams. */
export interface CliIO {
  /** Writes a line of primary output (tables, JSON) to stdout. */
  out(text: string): void;
  /** Writes a line of progress or diagnostics to stderr. */
  err(text: string): void;
  /** True when stderr is a terminal, so progress bars may redraw in place. */
  readonly interactive: boolean;
  /** Stream progress bars draw on (stderr in the real CLI). */
  readonly progressStream: NodeJS.WritableStream;
  /**
   * When not interactive: write plain progress lines through `err` (each tenth of the work and
   * the end), for logs of batch jobs and CI. True in the real CLI, absent (off) in tests.
   */
  readonly progressLines?: boolean;
}

/** The real terminal. */
export function processIO(): CliIO {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    interactive: Boolean(process.stderr.isTTY),
    progressStream: process.stderr,
    progressLines: !process.stderr.isTTY,
  };
}

/** Raised by commands for a bad flag value; printed as one line, exit status 2. */
export class UsageError extends NhbError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** Prints an error as one line (stack only with `--debug`) and returns the exit status. */
export function reportError(io: CliIO, error: unknown, debug: boolean): number {
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  else {
    // One line, whatever the message holds (a JSON parser's error can quote a newline).
    const message = error instanceof Error ? error.message : String(error);
    io.err(`nhb: ${message.replace(/\s*\n\s*/g, ' ').trim()}`);
  }
  return error instanceof UsageError ? 2 : 1;
}

/** Prints a value as one line of JSON. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value));
}

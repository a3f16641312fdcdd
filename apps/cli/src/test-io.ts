import { PassThrough } from 'node:stream';
import type { CliIO } from './io.js';

/** A CliIO that records what a command printed, for tests. */
export function recordingIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    interactive: false,
    progressStream: new PassThrough(),
  };
}

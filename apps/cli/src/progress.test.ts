import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type SignalHost, startProgress } from './progress.js';
import { recordingIO } from './test-io.js';

const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

/** A terminal-like stream that keeps what was drawn, and a stand-in for the process's signals. */
function terminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let drawn = '';
  stream.on('data', (chunk: Buffer) => {
    drawn += chunk.toString();
  });
  const emitter = new EventEmitter();
  const raised: [number, string][] = [];
  const host: SignalHost & { emit(signal: string): void; count(): number } = {
    pid: 4242,
    once: (signal, listener) => emitter.once(signal, listener),
    removeListener: (signal, listener) => emitter.removeListener(signal, listener),
    kill: (pid, signal) => raised.push([pid, signal]),
    emit: (signal) => emitter.emit(signal, signal),
    count: () => emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM'),
  };
  const io = { ...recordingIO(), interactive: true, progressStream: stream };
  return { io, host, raised, drawn: () => drawn };
}

describe('progress bar', () => {
  it('shows the cursor again and re-raises Ctrl-C, so the terminal is not left without one', async () => {
    const { io, host, raised, drawn } = terminal();
    const progress = startProgress(io, 'runs', 10, host);
    progress.update(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(drawn()).toContain(HIDE_CURSOR);
    expect(drawn()).not.toContain(SHOW_CURSOR);

    host.emit('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));
    expect(drawn()).toContain(SHOW_CURSOR);
    expect(raised).toEqual([[4242, 'SIGINT']]);
    expect(host.count()).toBe(0);
  });

  it('stops listening for signals once stopped', () => {
    const { io, host, raised } = terminal();
    const progress = startProgress(io, 'runs', 2, host);
    expect(host.count()).toBe(2);
    progress.stop();
    expect(host.count()).toBe(0);
    host.emit('SIGTERM');
    expect(raised).toEqual([]);
  });
});

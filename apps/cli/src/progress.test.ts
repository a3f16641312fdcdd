import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startProgress } from './progress.js';
import { recordingIO } from './test-io.js';

const HIDE_CURSOR = '\x1b[?25l';

describe('progress bar', () => {
  it('draws on a terminal without hiding the cursor or taking over Ctrl-C', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let drawn = '';
    stream.on('data', (chunk: Buffer) => {
      drawn += chunk.toString();
    });
    const signals = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const before = signals();
    const progress = startProgress(
      { ...recordingIO(), interactive: true, progressStream: stream },
      'runs',
      10,
    );
    progress.update(3);
    // a SIGINT listener would hold Ctrl-C back while runs compute synchronously
    expect(signals()).toBe(before);
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drawn).toContain('runs [');
    expect(drawn).toContain('3/10');
    // a cursor hidden when Ctrl-C ends the process would stay hidden in the user's shell
    expect(drawn).not.toContain(HIDE_CURSOR);
  });
});

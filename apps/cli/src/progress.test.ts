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

  it('writes a plain line per tenth of the work and at the end when stderr is a log', () => {
    const io = { ...recordingIO(), progressLines: true };
    const progress = startProgress(io, 'runs ', 20);
    for (let done = 1; done <= 7; done++) progress.update(done, `seed ${done}`);
    // 7 of 20: tenths 1 (2 runs), 2 (4 runs) and 3 (6 runs) were crossed.
    expect(io.stderr.map((l) => l.replace(/, \d+ s(, about \d+ s left)?/, ''))).toEqual([
      'runs 2/20 (10 %) | seed 2',
      'runs 4/20 (20 %) | seed 4',
      'runs 6/20 (30 %) | seed 6',
    ]);
    expect(io.stderr[0]).toMatch(/^runs 2\/20 \(10 %\), \d+ s, about \d+ s left \| seed 2$/);
    progress.stop();
    // Stopped early (Ctrl-C, an error): the last count is written once.
    expect(io.stderr.at(-1)).toMatch(/^runs 7\/20 \(35 %\), \d+ s, about \d+ s left$/);
    const done = { ...recordingIO(), progressLines: true };
    const full = startProgress(done, 'figures', 3);
    for (let k = 1; k <= 3; k++) full.update(k);
    full.stop();
    expect(done.stderr.map((l) => l.replace(/, \d+ s.*$/, ''))).toEqual([
      'figures 1/3 (33 %)',
      'figures 2/3 (66 %)',
      'figures 3/3 (100 %)',
    ]);
    // Tests and pipes without progressLines stay silent.
    const quiet = recordingIO();
    const silent = startProgress(quiet, 'runs', 5);
    silent.update(5);
    silent.stop();
    expect(quiet.stderr).toEqual([]);
  });
});

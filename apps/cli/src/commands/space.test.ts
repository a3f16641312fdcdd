import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

describe('nhb space', () => {
  it('prints the sizes as JSON', async () => {
    const { status, stdout } = await run('space', '--json');
    expect(status).toBe(0);
    expect(JSON.parse(stdout.join(''))).toEqual({
      cells: 4096,
      classes: 1011,
      learningRates: [0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4],
      batchSizes: [16, 32, 64, 128, 256, 512],
      configurations: 196608,
      distinctTrainings: 48528,
    });
  });

  it('lists 1,011 classes covering 4,096 codes', async () => {
    const { stdout } = await run('space', 'classes', '--json');
    const classes = stdout.map((line) => JSON.parse(line));
    expect(classes.length).toBe(1011);
    expect(classes[0]).toEqual({ id: 0, representative: '0|00|000', members: ['0|00|000'] });
    expect(classes.reduce((n, c) => n + c.members.length, 0)).toBe(4096);
  });

  it('describes one cell', async () => {
    const { stdout } = await run('space', 'cell', '2|33|323', '--json');
    const cell = JSON.parse(stdout[0]);
    // output = input; the authors' representative of that class keeps three dangling convs
    expect(cell.representative).toBe('0|00|233');
    expect(cell.parameters).toBe(73_610);
    const reduced = await run('space', 'cell', '2|22|222', '--stem-channels', '8', '--json');
    expect(JSON.parse(reduced.stdout[0]).parameters).toBeLessThan(73_610);
  });

  it('says which network the parameter count is for', async () => {
    const paper = await run('space', 'cell', '0|10|210');
    expect(paper.stdout[1]).toBe('class           173, representative 0|10|210, 1 member');
    expect(paper.stdout[2]).toMatch(/^network {9}32 px, stem 16, 5 cells per stage/);
    const lite = ['--stem-channels', '8', '--cells-per-stage', '1', '--input-size', '16'];
    const reduced = await run('space', 'cell', '0|10|210', ...lite);
    expect(reduced.stdout[2]).toMatch(/^network {9}16 px, stem 8, 1 cell per stage/);
    expect(reduced.stdout[3]).toBe('parameters      55,514');
  });

  it('fails with one line and a non-zero status on a bad code', async () => {
    const { status, stderr } = await run('space', 'cell', '0|0|000');
    expect(status).toBe(1);
    expect(stderr).toEqual([
      "nhb: search-space: cell code '0|0|000' is not valid; allowed: 'A|BC|DEF' with each letter a digit 0-3 (0 conv, 1 pool, 2 skip, 3 zero)",
    ]);
    const badFlag = await run('space', 'cell', '0|00|000', '--input-size', 'x');
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr[0]).toMatch(/--input-size must be an integer/);
  });

  it('refuses a network too large to count exactly instead of printing rounded numbers', async () => {
    const { status, stdout, stderr } = await run(
      'space',
      'cell',
      '0|10|210',
      '--stem-channels',
      '1000000000',
      '--json',
    );
    expect(status).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      'nhb: the network of --stem-channels 1000000000, --cells-per-stage 5, --input-size 32 is ' +
        'too large to count exactly (more than 9007199254740991 parameters or FLOPs)',
    ]);
  });
});

import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';
import { parseCells, resolveProtocol } from './train.js';

/** A CIFAR-10 look-alike: six batch files of 20 records, labels cycling 0..9. */
function fixtureArchive(): Uint8Array {
  const blocks: Uint8Array[] = [];
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat('test_batch.bin');
  names.forEach((name, file) => {
    const data = new Uint8Array(20 * 3073);
    for (let r = 0; r < 20; r++) {
      data[r * 3073] = (r + file) % 10;
      for (let j = 0; j < 3072; j++) data[r * 3073 + 1 + j] = (r * 7 + j * 3 + file) % 256;
    }
    const header = new Uint8Array(512);
    const put = (text: string, at: number) => header.set(new TextEncoder().encode(text), at);
    put(`cifar-10-batches-bin/${name}`, 0);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('0', 156);
    put('ustar\0', 257);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  });
  blocks.push(new Uint8Array(1024));
  const tar = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const block of blocks) {
    tar.set(block, offset);
    offset += block.length;
  }
  return gzipSync(tar);
}

let folder = '';
let dataPath = '';
let protocolPath = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'nhb-train-cli-'));
  dataPath = join(folder, 'cifar.tar.gz');
  await writeFile(dataPath, fixtureArchive());
  protocolPath = join(folder, 'tiny.json');
  const tiny = {
    extends: 'lite',
    name: 'tiny',
    imageSize: 4,
    downsampleFactor: 8,
    cropPadding: 1,
    trainImages: 20,
    validImages: 10,
    testImages: 10,
    stemChannels: 2,
    cellsPerStage: 1,
    evalBatchSize: 10,
    shortEpochs: 2,
    longEpochs: 3,
  };
  await writeFile(protocolPath, JSON.stringify(tiny));
});

afterEach(() => {
  delete process.env.SLURM_ARRAY_TASK_ID;
  delete process.env.SLURM_ARRAY_TASK_COUNT;
});

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

function trainArgs(out: string, ...extra: string[]): string[] {
  return [
    'train',
    '--protocol',
    protocolPath,
    '--cells',
    '2|22|222,1|11|111',
    '--lr',
    '0.1',
    '--batch-size',
    '16',
    '--seeds',
    '1,2',
    '--out',
    out,
    '--data',
    dataPath,
    '--records-per-file',
    '20',
    '--backend',
    'cpu',
    ...extra,
  ];
}

describe('train flag parsing', () => {
  it('reads cell codes from a file (YAML list or lines) and protocols from JSON', async () => {
    const file = join(folder, 'cells.yaml');
    await writeFile(file, "# chosen cells\n- '0|10|210'\n- '2|22|222'\n");
    expect(parseCells(file)).toEqual(['0|10|210', '2|22|222']);
    expect(parseCells('unique')).toBe('unique');
    expect(parseCells('0|00|000, 1|11|111')).toEqual(['0|00|000', '1|11|111']);
    expect(resolveProtocol(protocolPath)).toMatchObject({
      name: 'tiny',
      seeds: [222, 555, 888],
      imageSize: 4,
    });
    expect(resolveProtocol('paper').trainImages).toBe(25_000);
    const partial = join(folder, 'partial.json');
    await writeFile(partial, JSON.stringify({ name: 'x' }));
    expect(() => resolveProtocol(partial)).toThrow(/lacks version, shortEpochs/);
  });
});

describe('nhb train', () => {
  it('trains an array-task shard, then the rest, skipping what is finished', async () => {
    const out = join(folder, 'sweep');
    process.env.SLURM_ARRAY_TASK_ID = '1';
    process.env.SLURM_ARRAY_TASK_COUNT = '2';
    const first = await run(...trainArgs(out, '--json'));
    expect(first.status).toBe(0);
    const lines = first.stdout.map((line) => JSON.parse(line));
    // 4 runs, shard 1 of 2 (0-based index 1): runs 1 and 3 of the sweep order.
    expect(lines.slice(0, 2).map((l) => [l.cellCode, l.seed])).toEqual([
      ['2|22|222', 2],
      ['1|11|111', 2],
    ]);
    expect(lines[2].summary).toMatchObject({ units: 2, skipped: 0, trained: 2 });
    expect(first.stderr.join('\n')).toMatch(/shard 2\/2 from SLURM_ARRAY_TASK_ID/);
    expect(first.stderr.join('\n')).toMatch(/backend cpu/);

    delete process.env.SLURM_ARRAY_TASK_ID;
    const rest = await run(...trainArgs(out));
    expect(rest.status).toBe(0);
    expect(rest.stdout.at(-1)).toMatch(/^trained 2, skipped 2 of 4 in /);
    const parts = (await readdir(out)).filter((name) => name.endsWith('.parquet'));
    expect(parts.length).toBe(4);
  });

  it('trains the long schedule per configuration', async () => {
    const out = join(folder, 'long');
    const result = await run(...trainArgs(out, '--long', '--cells', '2|22|222', '--json'));
    expect(result.status).toBe(0);
    const [line] = result.stdout.map((l) => JSON.parse(l));
    expect(line).toMatchObject({ cellCode: '2|22|222', seeds: [1, 2] });
    expect(await readdir(out)).toContain('long-2-22-222-lr0.1-bs16.parquet');
  });

  it('fails with one line on bad flags', async () => {
    const out = join(folder, 'bad');
    const shard = await run(...trainArgs(out, '--shard', '3/2'));
    expect(shard.status).toBe(1);
    expect(shard.stderr).toEqual([
      "nhb: trainer: shard '3/2' is not valid; allowed: 'i/N' with 1 ≤ i ≤ N, e.g. '3/10'",
    ]);
    const lr = await run(...trainArgs(out, '--lr', '0.3'));
    expect(lr.stderr[0]).toMatch(/lr 0\.3 is not valid; allowed: 0\.003125, /);
    const data = await run(...trainArgs(out, '--data', join(folder, 'none.tar.gz')));
    expect(data.status).toBe(2);
    expect(data.stderr[0]).toMatch(/run 'nhb data cifar10' or pass --data/);
    const protocol = await run(...trainArgs(out, '--protocol', 'huge'));
    expect(protocol.stderr[0]).toMatch(/protocol 'huge' is not valid; allowed: paper, lite/);
  });
});

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCifarRecords, downsampleImages, selectImages } from './cifar10.js';
import { loadCifar10 } from './load-cifar10.js';
import { readTar } from './tar-reader.js';
import { cifarBatchFile, cifarFixtureFiles, tarArchive } from './test-helpers.js';

describe('decodeCifarRecords', () => {
  it('splits records into labels and planar pixels', () => {
    const set = decodeCifarRecords([{ name: 'a.bin', data: cifarBatchFile(3, 4) }], 3);
    expect(set.count).toBe(3);
    expect(Array.from(set.labels)).toEqual([4, 5, 6]);
    // Record 2, byte j = (2·7 + 3j + 4) mod 256: j = 0 → 18, j = 1024 (first green) → 3090 mod 256.
    expect(set.pixels[2 * 3072]).toBe(18);
    expect(set.pixels[2 * 3072 + 1024]).toBe((14 + 3072 + 4) % 256);
  });

  it('fails clearly on a truncated file, a wrong record count and a bad label', () => {
    const data = cifarBatchFile(2, 0);
    expect(() =>
      decodeCifarRecords([{ name: 'cut.bin', data: data.subarray(0, 6145) }], null),
    ).toThrow(/cut\.bin \(6145 bytes\).*truncated or not CIFAR-10 binary/);
    expect(() => decodeCifarRecords([{ name: 'small.bin', data }])).toThrow(
      /small\.bin \(6146 bytes\).*10000 records/,
    );
    const bad = data.slice();
    bad[3073] = 12;
    expect(() => decodeCifarRecords([{ name: 'bad.bin', data: bad }], 2)).toThrow(
      /label '12 in bad\.bin record 1'/,
    );
  });
});

describe('selectImages and downsampleImages', () => {
  it('picks images in the given order and averages blocks with rounding', () => {
    const set = decodeCifarRecords([{ name: 'a.bin', data: cifarBatchFile(4, 0) }], 4);
    const picked = selectImages(set, [3, 1]);
    expect(Array.from(picked.labels)).toEqual([3, 1]);
    expect(picked.pixels.subarray(0, 3072)).toEqual(set.pixels.subarray(3 * 3072, 4 * 3072));

    const small = downsampleImages(picked, 2);
    expect(small.size).toBe(16);
    // Output (0, 0) of image 0 (record 3), red: mean of bytes j = 0, 1, 32, 33 = (21 + 3j) mod 256.
    const mean = [0, 1, 32, 33].map((j) => (21 + 3 * j) % 256).reduce((a, b) => a + b) / 4;
    expect(small.pixels[0]).toBe(Math.round(mean));
    expect(downsampleImages(picked, 1)).toBe(picked);
    expect(() => downsampleImages(picked, 3)).toThrow(
      /factor 3 is not valid; allowed: integers dividing 32/,
    );
  });
});

describe('readTar', () => {
  it('lists regular files and rejects a truncated archive', () => {
    const files = [
      { name: 'dir/a.bin', data: new Uint8Array([1, 2, 3]) },
      { name: 'dir/b.txt', data: new TextEncoder().encode('hello') },
    ];
    const archive = tarArchive(files);
    const entries = readTar(archive);
    expect(entries.map((e) => e.name)).toEqual(['dir/a.bin', 'dir/b.txt']);
    expect(Array.from(entries[0].data)).toEqual([1, 2, 3]);
    expect(() => readTar(archive.subarray(0, 600))).toThrow(/truncated/);
    expect(() => readTar(archive.subarray(0, 1000))).toThrow(/truncated/);
  });
});

describe('loadCifar10', () => {
  async function fixture(): Promise<string> {
    const folder = await mkdtemp(join(tmpdir(), 'nhb-cifar-'));
    const files = cifarFixtureFiles(10).map(({ name, data }) => ({
      name: `cifar-10-batches-bin/${name}`,
      data,
    }));
    files.push({ name: 'cifar-10-batches-bin/batches.meta.txt', data: new Uint8Array(10) });
    const tar = tarArchive(files);
    await writeFile(join(folder, 'cifar.tar'), tar);
    await writeFile(join(folder, 'cifar.tar.gz'), gzipSync(tar));
    await mkdir(join(folder, 'batches'));
    for (const { name, data } of cifarFixtureFiles(10)) {
      await writeFile(join(folder, 'batches', name), data);
    }
    return folder;
  }

  it('reads the same images from a .tar.gz, a .tar and an extracted folder', async () => {
    const folder = await fixture();
    const options = { recordsPerFile: 10 };
    const fromGzip = await loadCifar10(join(folder, 'cifar.tar.gz'), options);
    const fromTar = await loadCifar10(join(folder, 'cifar.tar'), options);
    const fromFolder = await loadCifar10(join(folder, 'batches'), options);
    expect(fromGzip.train.count).toBe(50);
    expect(fromGzip.test.count).toBe(10);
    // data_batch_2's first label is 1 (labels cycle from the file index).
    expect(fromGzip.train.labels[10]).toBe(1);
    for (const other of [fromTar, fromFolder]) {
      expect(other.train.pixels).toEqual(fromGzip.train.pixels);
      expect(other.test.labels).toEqual(fromGzip.test.labels);
    }
  });

  it('fails clearly on a truncated download, a missing file, the wrong size and no file', async () => {
    const folder = await fixture();
    const { readFile } = await import('node:fs/promises');
    const gz = await readFile(join(folder, 'cifar.tar.gz'));
    await writeFile(join(folder, 'cut.tar.gz'), gz.subarray(0, gz.length - 100));
    await expect(loadCifar10(join(folder, 'cut.tar.gz'), { recordsPerFile: 10 })).rejects.toThrow(
      /complete gzip file.*truncated or corrupt/,
    );
    const tar = await readFile(join(folder, 'cifar.tar'));
    await writeFile(join(folder, 'cut.tar'), tar.subarray(0, 20_000));
    await expect(loadCifar10(join(folder, 'cut.tar'), { recordsPerFile: 10 })).rejects.toThrow(
      /truncated or corrupt/,
    );
    const { rm } = await import('node:fs/promises');
    await rm(join(folder, 'batches', 'test_batch.bin'));
    await expect(loadCifar10(join(folder, 'batches'), { recordsPerFile: 10 })).rejects.toThrow(
      /missing test_batch\.bin/,
    );
    // The release's own check: 10,000 records per file.
    await expect(loadCifar10(join(folder, 'cifar.tar'))).rejects.toThrow(/10000 records/);
    await expect(loadCifar10(join(folder, 'nothing.tar.gz'))).rejects.toThrow(/nhb data cifar10/);
  });
});

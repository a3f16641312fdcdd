import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, downloadCifar10 } from './download-cifar10.js';
import { loadCifar10 } from './load-cifar10.js';
import { cifarFixtureFiles, tarArchive } from './test-helpers.js';

const archive = gzipSync(
  tarArchive(
    cifarFixtureFiles(10).map(({ name, data }) => ({ name: `cifar-10-batches-bin/${name}`, data })),
  ),
);
const md5 = createHash('md5').update(archive).digest('hex');

/** Serves the fixture archive on 127.0.0.1 with Range support; `cutAfter` drops the next response part-way. */
let server: Server;
let baseUrl = '';
const control = { cutAfter: null as number | null, requests: [] as (string | undefined)[] };

beforeAll(async () => {
  server = createServer((request, response) => {
    control.requests.push(request.headers.range);
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (start >= archive.length) {
      response.writeHead(416, { 'Content-Range': `bytes */${archive.length}` }).end();
      return;
    }
    const body = archive.subarray(start);
    response.writeHead(match ? 206 : 200, {
      'Content-Length': body.length,
      ...(match
        ? { 'Content-Range': `bytes ${start}-${archive.length - 1}/${archive.length}` }
        : {}),
    });
    if (control.cutAfter !== null) {
      const cut = control.cutAfter;
      control.cutAfter = null;
      response.write(body.subarray(0, cut));
      setTimeout(() => response.socket?.destroy(), 200);
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('downloadCifar10', () => {
  it('downloads, verifies the MD5 and reuses the verified archive', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'nhb-download-'));
    const progress: number[] = [];
    const result = await downloadCifar10({
      cacheDir,
      url: baseUrl,
      md5,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result).toMatchObject({ downloadedBytes: archive.length, resumed: false, md5 });
    expect(progress.at(-1)).toBe(archive.length);
    expect(new Uint8Array(await readFile(result.path))).toEqual(new Uint8Array(archive));
    expect((await loadCifar10(result.path, { recordsPerFile: 10 })).train.count).toBe(50);
    const again = await downloadCifar10({ cacheDir, url: baseUrl, md5 });
    expect(again.downloadedBytes).toBe(0);
  });

  it('resumes an interrupted download with a Range request', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'nhb-download-'));
    control.requests.length = 0;
    control.cutAfter = 1000;
    await expect(downloadCifar10({ cacheDir, url: baseUrl, md5 })).rejects.toThrow(
      /run the command again to resume/,
    );
    const kept = (await stat(join(cacheDir, 'cifar-10-binary.tar.gz.part'))).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(archive.length);
    const result = await downloadCifar10({ cacheDir, url: baseUrl, md5 });
    expect(result).toMatchObject({ resumed: true, downloadedBytes: archive.length - kept, md5 });
    expect(control.requests).toEqual([undefined, `bytes=${kept}-`]);
    expect(new Uint8Array(await readFile(result.path))).toEqual(new Uint8Array(archive));
  });

  it('deletes a download whose MD5 is wrong and says so', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'nhb-download-'));
    const wrong = '0'.repeat(32);
    await expect(downloadCifar10({ cacheDir, url: baseUrl, md5: wrong })).rejects.toThrow(
      new RegExp(`MD5 ${md5}, not the published ${wrong}; the file was deleted`),
    );
    await expect(stat(join(cacheDir, 'cifar-10-binary.tar.gz.part'))).rejects.toThrow();
    await expect(downloadCifar10({ cacheDir, url: baseUrl, md5: 'xyz' })).rejects.toThrow(
      /md5 'xyz' is not valid/,
    );
  });

  it('replaces a damaged cached archive and reports an unreachable server', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'nhb-download-'));
    await writeFile(join(cacheDir, 'cifar-10-binary.tar.gz'), 'not the archive');
    const result = await downloadCifar10({ cacheDir, url: baseUrl, md5 });
    expect(result.downloadedBytes).toBe(archive.length);
    await expect(
      downloadCifar10({
        cacheDir: await mkdtemp(join(tmpdir(), 'nhb-download-')),
        url: 'http://127.0.0.1:1/x',
        md5,
      }),
    ).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:1\/x/);
  });

  it('keeps its cache under NHB_CACHE, XDG_CACHE_HOME or ~/.cache', () => {
    expect(defaultCacheDir({ NHB_CACHE: '/c' })).toBe('/c');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/nashpobench2');
  });
});

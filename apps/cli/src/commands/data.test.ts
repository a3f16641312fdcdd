import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';

const archive = new TextEncoder().encode('a small stand-in for the archive '.repeat(2000));
const md5 = createHash('md5').update(archive).digest('hex');
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const body = archive.subarray(start);
    response.writeHead(match ? 206 : 200, {
      'Content-Length': body.length,
      ...(match
        ? { 'Content-Range': `bytes ${start}-${archive.length - 1}/${archive.length}` }
        : {}),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(...argv: string[]) {
  const io = recordingIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

describe('nhb data cifar10', () => {
  it('downloads into the cache, verifies the MD5 and reuses it', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'nhb-data-cli-'));
    const first = await run(
      'data',
      'cifar10',
      '--cache',
      cache,
      '--url',
      url,
      '--md5',
      md5,
      '--json',
    );
    expect(first.status).toBe(0);
    const result = JSON.parse(first.stdout[0]);
    expect(result).toMatchObject({ md5, downloadedBytes: archive.length, resumed: false });
    expect(new Uint8Array(await readFile(join(cache, 'cifar-10-binary.tar.gz')))).toEqual(archive);
    const second = await run('data', 'cifar10', '--cache', cache, '--url', url, '--md5', md5);
    expect(second.stdout[0]).toMatch(/already in the cache, MD5 [0-9a-f]{32} verified/);
  });

  it('fails with one line on a checksum mismatch', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'nhb-data-cli-'));
    const result = await run(
      'data',
      'cifar10',
      '--cache',
      cache,
      '--url',
      url,
      '--md5',
      'f'.repeat(32),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(/not the published f{32}; the file was deleted/);
  });
});

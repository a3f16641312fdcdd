import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendRuns,
  Benchmark,
  makeSyntheticRecords,
  writeBenchmark,
} from '@nashpobench2/dataset/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { recordingIO } from '../test-io.js';
import { type RunningWebServer, startWebServer } from './web.js';

interface Reply {
  status: number;
  type: string | undefined;
  body: Buffer;
}

/** Sends a raw request (the path goes on the wire as written, not normalized by a URL parser). */
function get(
  port: number,
  path: string,
  options: { method?: string; host?: string } = {},
): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', fail);
    req.end();
  });
}

const SECRET = 'secret outside the site';
let workspace: string;
let site: string;
let dataFile: string;
let server: RunningWebServer;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'nhb-web-test-'));
  site = join(workspace, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>explorer</title>');
  writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(workspace, 'secret.txt'), SECRET);
  symlinkSync(workspace, join(site, 'link-out'));
  symlinkSync(join(workspace, 'secret.txt'), join(site, 'secret-link.txt'));

  const { runs, long, metadata } = makeSyntheticRecords({ classes: 3, seeds: [1], epochs: 2 });
  dataFile = join(workspace, 'data', 'bench.parquet');
  await writeBenchmark(dataFile, runs, long, metadata);
  server = await startWebServer({ siteDirectory: site, dataPath: dataFile, port: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('nhb web server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('serves the site and its assets with their content types', async () => {
    const page = await get(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body.toString()).toContain('<title>explorer</title>');
    const script = await get(server.port, '/assets/app.js?v=1');
    expect(script.status).toBe(200);
    expect(script.type).toMatch(/^text\/javascript/);
  });

  it('serves exactly the given benchmark file and names it in the site configuration', async () => {
    const data = await get(server.port, '/benchmark.parquet');
    expect(data.status).toBe(200);
    expect(data.body.equals(readFileSync(dataFile))).toBe(true);
    const config = await get(server.port, '/site-config.json');
    expect(JSON.parse(config.body.toString())).toEqual({
      dataUrl: 'benchmark.parquet',
      dataName: 'bench.parquet',
    });
  });

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/../../secret.txt',
    '/%252e%252e/secret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/secret.txt%00.html',
    '/link-out/secret.txt',
    '/secret-link.txt',
    '//secret.txt',
    `/${'..%2f'.repeat(12)}etc/passwd`,
    '/data/bench.parquet',
    '/bench.parquet',
    '/%E0%A4%A',
  ])('never serves anything outside the site for %s', async (path) => {
    const reply = await get(server.port, path);
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).not.toContain(SECRET);
  });

  it('refuses foreign Host headers and methods other than GET and HEAD', async () => {
    expect((await get(server.port, '/', { host: 'attacker.example' })).status).toBe(403);
    expect((await get(server.port, '/', { method: 'POST' })).status).toBe(405);
    expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('merges a folder of part files into one Parquet file the browser can read', async () => {
    const folder = join(workspace, 'parts');
    const first = makeSyntheticRecords({ classes: [0, 1], seeds: [1], epochs: 2 });
    const second = makeSyntheticRecords({ classes: [2], seeds: [1], epochs: 2 });
    await appendRuns(folder, first.runs, first.metadata, first.long);
    await appendRuns(folder, second.runs, second.metadata, second.long);
    const merged = await startWebServer({ siteDirectory: site, dataPath: folder, port: 0 });
    try {
      const reply = await get(merged.port, '/benchmark.parquet');
      const bytes = reply.body.buffer.slice(
        reply.body.byteOffset,
        reply.body.byteOffset + reply.body.byteLength,
      );
      const fromServer = await Benchmark.open(bytes as ArrayBuffer);
      const fromFolder = await Benchmark.open(folder);
      expect(fromServer.coverage()).toEqual(fromFolder.coverage());
      expect(fromServer.coverage().classes).toBe(3);
    } finally {
      await merged.close();
    }
  });
});

describe('nhb web flags', () => {
  async function run(...argv: string[]) {
    const io = recordingIO();
    const status = await main(argv, io);
    return { status, stderr: io.stderr.join('\n') };
  }

  it('rejects a bad port', async () => {
    const { status, stderr } = await run('web', '--port', 'abc', '--site', site);
    expect(status).toBe(2);
    expect(stderr).toContain('--port must be an integer');
    expect((await run('web', '--port', '70000', '--site', site)).status).toBe(2);
  });

  it('rejects a missing benchmark path and a missing site before listening', async () => {
    const missing = await run(
      'web',
      '--data',
      join(workspace, 'nope.parquet'),
      '--site',
      site,
      '--port',
      '0',
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
    const noSite = await run(
      'web',
      '--site',
      join(workspace, 'no-site'),
      '--data',
      dataFile,
      '--port',
      '0',
    );
    expect(noSite.status).toBe(2);
    expect(noSite.stderr).toContain('no built web app');
  });
});

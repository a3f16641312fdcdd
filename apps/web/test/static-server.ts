import { readFile, realpath } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** An extra route of the test server: fixed bytes, optionally sent slowly in chunks. */
export interface ExtraRoute {
  readonly bytes: Uint8Array;
  /** Send in this many chunks with a pause between them, so the page's progress can be seen. */
  readonly slowChunks?: number;
}

/** Options of `serveSite`. */
export interface ServeOptions {
  /** Paths answered with 404 although the site has them (to test a missing asset). */
  readonly hide?: RegExp;
}

/** A static server for the browser tests: the built site plus extra routes, on 127.0.0.1. */
export async function serveSite(
  siteDirectory: string,
  routes: Record<string, ExtraRoute>,
  options: ServeOptions = {},
) {
  const root = await realpath(siteDirectory);
  const server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (options.hide?.test(path)) {
      response.writeHead(404).end('not found');
      return;
    }
    const route = routes[path];
    if (route) {
      response.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': route.bytes.byteLength,
      });
      const chunks = route.slowChunks ?? 1;
      const size = Math.ceil(route.bytes.byteLength / chunks);
      for (let k = 0; k < chunks; k++) {
        response.write(route.bytes.subarray(k * size, (k + 1) * size));
        if (k < chunks - 1) await new Promise((done) => setTimeout(done, 150));
      }
      response.end();
      return;
    }
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(root + sep)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

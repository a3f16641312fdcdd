import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Benchmark,
  defaultBenchmarkPath,
  encodeBenchmark,
  NODE_COMPRESSORS,
} from '@nashpobench2/dataset/node';
import type { Command } from 'commander';
import { type CliIO, UsageError } from '../io.js';
import { parseIntegerOption } from '../options.js';

/** The only address `nhb web` listens on. */
export const WEB_HOST = '127.0.0.1';

/** URL path (relative to the site) under which the benchmark is served. */
export const BENCHMARK_ROUTE = '/benchmark.parquet';

/** URL path of the site configuration that tells the page which benchmark to load. */
export const SITE_CONFIG_ROUTE = '/site-config.json';

/** The built web app inside this monorepo (apps/web/dist), seen from src/ and dist/ alike. */
export const DEFAULT_SITE_DIRECTORY = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Settings of `startWebServer`. */
export interface WebServerOptions {
  /** Folder of the built site (index.html and assets); default DEFAULT_SITE_DIRECTORY. */
  readonly siteDirectory?: string;
  /** Benchmark file (.parquet) or folder of part files; undefined: serve no benchmark. */
  readonly dataPath?: string;
  /** TCP port on 127.0.0.1, integer 0..65535 (0 = any free port); default 5173. */
  readonly port?: number;
}

/** A running server. */
export interface RunningWebServer {
  /** Base URL, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Address actually bound, always WEB_HOST. */
  readonly address: string;
  /** Port actually bound. */
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** The benchmark a server hands out: a file streamed from disk, or bytes encoded from a folder. */
type ServedData =
  | { kind: 'file'; path: string; name: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string };

async function prepareData(dataPath: string): Promise<ServedData> {
  let info: Stats;
  try {
    info = await stat(dataPath);
  } catch {
    throw new UsageError(`--data: no such file or folder: ${dataPath}`);
  }
  const name = basename(resolve(dataPath));
  if (info.isFile()) return { kind: 'file', path: await realpath(dataPath), name };
  if (!info.isDirectory())
    throw new UsageError(`--data must be a file or a folder, got ${dataPath}`);
  // The browser reads one file, so a folder of part files is merged into one in memory.
  const benchmark = await Benchmark.open(dataPath);
  const bytes = new Uint8Array(encodeBenchmark(benchmark, { compressors: NODE_COMPRESSORS }));
  return { kind: 'bytes', bytes, name: `${name}.parquet` };
}

/**
 * Maps a request path to a file strictly inside `root` (already a real path), or undefined.
 * Rejects encoded separators, NUL bytes, dot segments and symlinks that lead outside.
 */
export async function resolveSitePath(root: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '.' || segment === '..')) return undefined;

  const candidate = resolve(
    root,
    ...segments,
    decoded.endsWith('/') || segments.length === 0 ? 'index.html' : '',
  );
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(root + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function allowedHost(request: IncomingMessage, port: number): boolean {
  // Refuse other Host names so a web page elsewhere cannot reach this server by DNS rebinding.
  const host = request.headers.host ?? '';
  return host === `${WEB_HOST}:${port}` || host === `localhost:${port}`;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  data: ServedData | undefined,
  port: number,
) {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (!allowedHost(request, port)) return send(response, 403, 'nhb web: unexpected Host header\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'nhb web: only GET and HEAD\n');
  }
  // The raw target, not a URL parser's reading of it: '//x' must stay a path, not become a host.
  const pathname = (request.url ?? '/').split(/[?#]/)[0];
  if (!pathname.startsWith('/')) return send(response, 404, 'nhb web: not found\n');

  if (pathname === SITE_CONFIG_ROUTE) {
    const config = data ? { dataUrl: BENCHMARK_ROUTE.slice(1), dataName: data.name } : {};
    return send(response, 200, JSON.stringify(config), CONTENT_TYPES['.json']);
  }
  if (pathname === BENCHMARK_ROUTE) {
    if (!data) return send(response, 404, 'nhb web: no benchmark was given (--data)\n');
    response.setHeader('Cache-Control', 'no-store');
    if (data.kind === 'bytes') {
      response.writeHead(200, {
        'Content-Type': 'application/vnd.apache.parquet',
        'Content-Length': data.bytes.byteLength,
      });
      return response.end(request.method === 'HEAD' ? undefined : data.bytes);
    }
    return streamFile(request, response, data.path, 'application/vnd.apache.parquet');
  }

  const file = await resolveSitePath(root, pathname);
  if (!file) return send(response, 404, 'nhb web: not found\n');
  return streamFile(
    request,
    response,
    file,
    CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
  );
}

async function streamFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  type: string,
) {
  const info = await stat(path);
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size });
  if (request.method === 'HEAD') return response.end();
  createReadStream(path)
    .on('error', () => response.destroy())
    .pipe(response);
}

/** Serves the built explorer and one benchmark on 127.0.0.1; resolves once listening. */
export async function startWebServer(options: WebServerOptions = {}): Promise<RunningWebServer> {
  const siteDirectory = options.siteDirectory ?? DEFAULT_SITE_DIRECTORY;
  let root: string;
  try {
    root = await realpath(siteDirectory);
    await stat(resolve(root, 'index.html'));
  } catch {
    throw new UsageError(
      `web: no built web app in ${siteDirectory}; run \`pnpm --filter @nashpobench2/web build\` first`,
    );
  }
  const data = options.dataPath === undefined ? undefined : await prepareData(options.dataPath);

  let port = options.port ?? 5173;
  const server: Server = createServer((request, response) => {
    handle(request, response, root, data, port).catch(() => {
      if (!response.headersSent) send(response, 500, 'nhb web: internal error\n');
      else response.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE' ? `port ${port} is in use; pass --port` : error.message;
      fail(new UsageError(`web: cannot listen on ${WEB_HOST}:${port}: ${reason}`));
    });
    server.listen(port, WEB_HOST, () => done());
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;

  return {
    url: `http://${WEB_HOST}:${port}/`,
    address: bound.address,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** `nhb web`: serves the explorer and a benchmark on 127.0.0.1 until interrupted. */
export function registerWeb(program: Command, io: CliIO): void {
  program
    .command('web')
    .description('serve the web explorer and a benchmark on 127.0.0.1 (Ctrl-C stops it)')
    .option(
      '--data <path>',
      'benchmark file (.parquet) or folder of part files (default: the embedded benchmark)',
    )
    .option('--port <port>', 'TCP port on 127.0.0.1, 0 = any free port', '5173')
    .option('--site <dir>', 'folder of the built web app (default: apps/web/dist)')
    .action(async (options: { data?: string; port: string; site?: string }) => {
      const port = parseIntegerOption('--port', options.port, 0);
      if (port > 65_535)
        throw new UsageError(`--port must be an integer ≤ 65535, got '${options.port}'`);
      const dataPath = options.data ?? defaultBenchmarkPath();
      if (dataPath === undefined) {
        io.err(
          'nhb web: the embedded benchmark is missing from @nashpobench2/dataset (data/); the page will ask for one (pass --data <file>)',
        );
      }

      const server = await startWebServer({ siteDirectory: options.site, dataPath, port });
      io.out(`nhb web: serving ${server.url} (benchmark: ${dataPath ?? 'none'}); Ctrl-C stops it`);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
    });
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, NhbError } from '@nashpobench2/search-space';

/** The official address of the CIFAR-10 binary release. */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** The MD5 its authors publish for that archive. */
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
/** File name of the archive in the cache folder. */
const ARCHIVE_NAME = 'cifar-10-binary.tar.gz';

/** Options of {@link downloadCifar10}. */
export interface DownloadOptions {
  /** Folder to keep the archive in; default {@link defaultCacheDir}. */
  readonly cacheDir?: string;
  /** Address to download from; default the official one (a mirror or a test server). */
  readonly url?: string;
  /** Expected MD5 (hex) of the archive; default the published one. */
  readonly md5?: string;
  /** Called as bytes arrive: bytes on disk and the total (null while unknown). */
  readonly onProgress?: (bytes: number, totalBytes: number | null) => void;
  /** Aborts the transfer; what arrived stays for the next call to resume. */
  readonly signal?: AbortSignal;
}

/** What {@link downloadCifar10} did. */
export interface DownloadResult {
  /** Path of the verified archive. */
  readonly path: string;
  /** Bytes transferred by this call (0 when the cached archive was already complete). */
  readonly downloadedBytes: number;
  /** True when an earlier partial download was continued with an HTTP Range request. */
  readonly resumed: boolean;
  /** The archive's verified MD5. */
  readonly md5: string;
}

/** `$XDG_CACHE_HOME/nashpobench2` or `~/.cache/nashpobench2` (override with NHB_CACHE). */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.NHB_CACHE) return env.NHB_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nashpobench2');
}

/** MD5 (hex) of a file, streamed. */
export async function fileMd5(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number | null> {
  const info = await stat(path).catch(() => null);
  return info ? info.size : null;
}

/**
 * Downloads the CIFAR-10 binary release into the cache folder and verifies its MD5 before
 * returning. A partial download (`<archive>.part`) is continued with an HTTP Range request; the
 * archive gets its final name only once verified, and a cached archive is verified again on use.
 * A wrong checksum deletes the partial file and throws.
 */
export async function downloadCifar10(options: DownloadOptions = {}): Promise<DownloadResult> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const url = options.url ?? CIFAR10_URL;
  const expected = (options.md5 ?? CIFAR10_MD5).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(expected)) {
    throw new InvalidArgumentError('trainer', 'md5', options.md5, '32 hexadecimal digits');
  }
  await mkdir(cacheDir, { recursive: true });
  const target = join(cacheDir, ARCHIVE_NAME);
  const partial = `${target}.part`;

  if ((await sizeOf(target)) !== null) {
    const md5 = await fileMd5(target);
    if (md5 === expected) return { path: target, downloadedBytes: 0, resumed: false, md5 };
    // A damaged cached archive is downloaded again from scratch.
    await rm(target, { force: true });
  }

  const offset = (await sizeOf(partial)) ?? 0;
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: options.signal, redirect: 'follow' });
  } catch (error) {
    throw new NhbError('ERR_DOWNLOAD', `trainer: cannot reach ${url}: ${(error as Error).message}`);
  }

  let resumed = false;
  let downloadedBytes = 0;
  if (response.status === 416 && offset > 0) {
    // The partial file already holds the whole archive; verify it below.
    await response.body?.cancel();
  } else if (response.status === 206 || response.status === 200) {
    resumed = response.status === 206;
    const range = response.headers.get('content-range');
    if (resumed && !range?.startsWith(`bytes ${offset}-`)) {
      await response.body?.cancel();
      throw new NhbError(
        'ERR_DOWNLOAD',
        `trainer: ${url} answered the range request with '${range}'`,
      );
    }
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length + (resumed ? offset : 0) : null;
    const file = await open(partial, resumed ? 'a' : 'w');
    let written = resumed ? offset : 0;
    try {
      if (!response.body) throw new Error('empty response body');
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await file.write(chunk);
        written += chunk.length;
        downloadedBytes += chunk.length;
        options.onProgress?.(written, total);
      }
      await file.sync();
    } catch (error) {
      await file.close();
      throw new NhbError(
        'ERR_DOWNLOAD',
        `trainer: the download from ${url} stopped after ${written} bytes (${(error as Error).message}); run the command again to resume`,
      );
    }
    await file.close();
  } else {
    await response.body?.cancel();
    throw new NhbError('ERR_DOWNLOAD', `trainer: ${url} answered HTTP ${response.status}`);
  }

  const md5 = await fileMd5(partial);
  if (md5 !== expected) {
    await rm(partial, { force: true });
    throw new NhbError(
      'ERR_CHECKSUM',
      `trainer: the archive from ${url} has MD5 ${md5}, not the published ${expected}; the file was deleted, run the command again`,
    );
  }
  await rename(partial, target);
  return { path: target, downloadedBytes, resumed, md5 };
}

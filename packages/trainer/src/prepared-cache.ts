import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@nashpobench2/dataset/node';
import type { ImageSet } from './cifar10.js';
import { loadCifar10 } from './load-cifar10.js';
import {
  type OfficialSplit,
  type PreparedData,
  parseOfficialSplit,
  prepareData,
} from './prepare-data.js';
import type { TrainerProtocol } from './protocol.js';

/** Options of {@link loadPreparedData}. */
export interface PreparedDataOptions {
  /** Folder of cached prepared sets; none = no cache. */
  readonly cacheDir?: string;
  /** Records per batch file to accept; default 10,000 (see `loadCifar10`). */
  readonly recordsPerFile?: number | null;
}

let officialSplit: OfficialSplit | undefined;

/** The authors' split shipped as package data (`data/split.yaml`). */
export async function loadOfficialSplit(): Promise<OfficialSplit> {
  if (!officialSplit) {
    const text = await readFile(new URL('../data/split.yaml', import.meta.url), 'utf8');
    officialSplit = parseOfficialSplit(text);
  }
  return officialSplit;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** JSON of a protocol with sorted keys; equal protocols give equal text. */
export function protocolText(protocol: TrainerProtocol): string {
  return canonicalJson(protocol);
}

const SETS = ['train', 'valid', 'test'] as const;

function encode(data: PreparedData): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      protocol: data.protocol,
      sets: SETS.map((name) => ({ name, count: data[name].count, size: data[name].size })),
    }),
  );
  const bodies = SETS.flatMap((name) => [data[name].labels, data[name].pixels]);
  const total = 4 + header.length + bodies.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  let offset = 4 + header.length;
  for (const part of bodies) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function decode(bytes: Uint8Array): PreparedData {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  let offset = 4 + headerLength;
  const sets: Record<string, ImageSet> = {};
  for (const { name, count, size } of header.sets as {
    name: string;
    count: number;
    size: number;
  }[]) {
    const labels = bytes.slice(offset, offset + count);
    offset += count;
    const pixels = bytes.slice(offset, offset + count * 3 * size * size);
    offset += pixels.length;
    sets[name] = { labels, pixels, count, size };
  }
  if (offset !== bytes.length) throw new Error('prepared data cache has the wrong length');
  return { train: sets.train, valid: sets.valid, test: sets.test, protocol: header.protocol };
}

/**
 * The protocol's train/valid/test sets from a CIFAR-10 archive or folder (see `prepareData`),
 * cached in `cacheDir` under a key of the protocol and the data file's path, size and time, so
 * that worker processes and later sweeps skip decoding the archive.
 */
export async function loadPreparedData(
  dataPath: string,
  protocol: TrainerProtocol,
  options: PreparedDataOptions = {},
): Promise<PreparedData> {
  const path = resolve(dataPath);
  const info = await stat(path).catch(() => null);
  const identity = info ? `${path}|${info.size}|${info.mtimeMs}` : path;
  const key = createHash('sha256')
    .update(`${identity}|${options.recordsPerFile}|${protocolText(protocol)}`)
    .digest('hex')
    .slice(0, 24);
  const cachePath = options.cacheDir ? join(options.cacheDir, `prepared-${key}.bin`) : null;
  if (cachePath) {
    const cached = await readFile(cachePath).catch(() => null);
    if (cached) {
      try {
        return decode(new Uint8Array(cached.buffer, cached.byteOffset, cached.byteLength));
      } catch {
        // A damaged cache file is rebuilt below.
      }
    }
  }

  const cifar = await loadCifar10(path, { recordsPerFile: options.recordsPerFile });
  const split = protocol.splitKind === 'official' ? await loadOfficialSplit() : undefined;
  const data = prepareData(cifar, protocol, { officialSplit: split });
  if (cachePath) await writeFileAtomic(cachePath, encode(data));
  return data;
}

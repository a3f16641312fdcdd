import { InvalidArgumentError } from '@nashpobench2/search-space';

/** One regular file of a tar archive. */
export interface TarEntry {
  /** Path inside the archive (ustar prefix joined), without a leading './'. */
  readonly name: string;
  /** File contents (a view into the archive buffer). */
  readonly data: Uint8Array;
}

const BLOCK = 512;

function readString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return new TextDecoder().decode(block.subarray(start, end));
}

function readOctal(block: Uint8Array, start: number, length: number): number {
  const text = readString(block, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/**
 * Lists the regular files of an uncompressed tar archive (ustar/GNU/pax headers; pax and GNU
 * long-name records are honoured). Throws when a header or a file runs past the end or the
 * end-of-archive zero block is missing (truncated).
 */
export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;

  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return entries;

    const size = readOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = readString(header, 345, 155);
    const baseName = readString(header, 0, 100);
    const dataStart = offset + BLOCK;
    if (!Number.isFinite(size) || dataStart + size > archive.length) {
      throw new InvalidArgumentError(
        'trainer',
        'archive',
        `entry '${baseName}' of ${size} bytes at offset ${offset}`,
        'a complete tar archive (this one is truncated or corrupt)',
      );
    }
    const data = archive.subarray(dataStart, dataStart + size);

    if (type === 'L') {
      longName = readString(data, 0, data.length);
    } else if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      if (match) longName = match[1];
    } else {
      const name = longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
      longName = null;
      if (type === '0' || type === '\0') entries.push({ name: name.replace(/^\.\//, ''), data });
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }

  // Every archive ends with zero blocks; running out of bytes before them means it was cut.
  throw new InvalidArgumentError(
    'trainer',
    'archive',
    `${archive.length} bytes`,
    'a complete tar archive (it ends before its end-of-archive blocks: truncated)',
  );
}

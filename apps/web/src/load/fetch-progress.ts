/** Bytes received so far and the expected total (undefined when the server sends no length). */
export interface ByteProgress {
  /** Bytes received, ≥ 0. */
  readonly loaded: number;
  /** Content-Length in bytes, when known. */
  readonly total?: number;
}

/**
 * Downloads `url` chunk by chunk, reporting progress after each chunk, and returns the bytes.
 * Throws an Error naming the URL and the HTTP status when the server refuses.
 */
export async function fetchWithProgress(
  url: string,
  onProgress: (progress: ByteProgress) => void,
): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(
      `web: cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `web: cannot load ${url}: HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }

  const header = response.headers.get('content-length');
  const total = header !== null && Number(header) > 0 ? Number(header) : undefined;
  if (!response.body) {
    const bytes = await response.arrayBuffer();
    onProgress({ loaded: bytes.byteLength, total });
    return bytes;
  }

  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }

  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

import '@tensorflow/tfjs-backend-cpu';
import './register-gradients.js';
import * as tf from '@tensorflow/tfjs-core';

/** Absolute tolerance of float32 comparisons on the cpu backend. */
export const FLOAT32_TOLERANCE = 1e-5;

/** Activates the plain-JS cpu backend (deterministic, every kernel present) for a test file. */
export async function useCpuBackend(): Promise<void> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Runs `body` and asserts it leaves exactly as many tensors as it found. */
export async function expectNoLeak<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor leak: ${before} tensors before, ${after} after`);
  return result;
}

/** Values of a tensor as a plain array (and disposes nothing). */
export function valuesOf(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync());
}

/** Asserts `actual[i]` is within `tolerance` of `expected[i]` for every i (same lengths). */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} differs from the expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance)) {
      throw new Error(
        `index ${i}: ${actual[i]} differs from ${expected[i]} by ${error} > ${tolerance}`,
      );
    }
  }
}

/** Bytes of one ustar header block for a regular file (checksum filled in). */
function tarHeader(name: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, offset: number) => header.set(new TextEncoder().encode(text), offset);
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put('00000000000\0', 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\0', 257);
  put('00', 263);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  put(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** An uncompressed ustar archive of `entries` (independent of the reader under test). */
export function tarArchive(entries: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const { name, data } of entries) {
    blocks.push(tarHeader(name, data.length));
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((sum, block) => sum + block.length, 0);
  const archive = new Uint8Array(total);
  let offset = 0;
  for (const block of blocks) {
    archive.set(block, offset);
    offset += block.length;
  }
  return archive;
}

/**
 * One CIFAR-10 binary batch file of `count` records: labels cycle through 0..9 from `first`,
 * pixel byte j of record r is (r·7 + j·3 + first) mod 256 (planar R, G, B of 32×32).
 */
export function cifarBatchFile(count: number, first: number): Uint8Array {
  const bytes = new Uint8Array(count * 3073);
  for (let r = 0; r < count; r++) {
    bytes[r * 3073] = (first + r) % 10;
    for (let j = 0; j < 3072; j++) bytes[r * 3073 + 1 + j] = (r * 7 + j * 3 + first) % 256;
  }
  return bytes;
}

/** The six batch files of a small CIFAR-10 look-alike with `recordsPerFile` records each. */
export function cifarFixtureFiles(recordsPerFile: number): { name: string; data: Uint8Array }[] {
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat('test_batch.bin');
  return names.map((name, i) => ({ name, data: cifarBatchFile(recordsPerFile, i) }));
}

/**
 * A protocol small enough for the plain-JS cpu backend in tests: 4-px images (32 px averaged
 * 8×8), 2 stem channels, 1 cell per stage, 20/10/10 images, evaluation batches of 10.
 */
export function tinyProtocol<P extends object>(base: P): P {
  return {
    ...base,
    name: 'tiny',
    imageSize: 4,
    downsampleFactor: 8,
    cropPadding: 1,
    trainImages: 20,
    validImages: 10,
    testImages: 10,
    stemChannels: 2,
    cellsPerStage: 1,
    evalBatchSize: 10,
    longEpochs: 3,
    shortEpochs: 2,
  };
}

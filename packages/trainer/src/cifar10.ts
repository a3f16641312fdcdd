import { InvalidArgumentError } from '@nashpobench2/search-space';

/** Bytes per CIFAR-10 binary record: 1 label byte + 32×32×3 pixel bytes (planar R, G, B). */
export const CIFAR10_RECORD_BYTES = 3073;
/** Pixels per image side in CIFAR-10. */
export const CIFAR10_IMAGE_SIZE = 32;
/** Records per file of the official binary release. */
export const CIFAR10_RECORDS_PER_FILE = 10_000;
/** File names of the binary release in official order. */
export const CIFAR10_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
] as const;
/** File name of the test batch. */
export const CIFAR10_TEST_FILE = 'test_batch.bin';

/** A set of labelled images in the binary release's planar layout (CHW bytes per image). */
export interface ImageSet {
  /** count × 3 × size × size pixel bytes, planar per image (R plane, G plane, B plane). */
  readonly pixels: Uint8Array;
  /** Class labels 0..9, one per image. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
  /** Pixels per side. */
  readonly size: number;
}

/** CIFAR-10 decoded: 50,000 training images in file order and 10,000 test images. */
export interface Cifar10 {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/**
 * Decodes the records of binary batch files, checking each file's size (whole records,
 * `expectedRecords` each when given) and every label (0..9). `files`: name and bytes.
 */
export function decodeCifarRecords(
  files: readonly { name: string; data: Uint8Array }[],
  expectedRecords: number | null = CIFAR10_RECORDS_PER_FILE,
): ImageSet {
  const pixelBytes = CIFAR10_RECORD_BYTES - 1;
  let count = 0;
  for (const { name, data } of files) {
    const records = data.length / CIFAR10_RECORD_BYTES;
    const whole = Number.isInteger(records);
    if (!whole || (expectedRecords !== null && records !== expectedRecords)) {
      const want = expectedRecords ?? 'a whole number of';
      throw new InvalidArgumentError(
        'trainer',
        'file',
        `${name} (${data.length} bytes)`,
        `CIFAR-10 batch files of ${want} records of ${CIFAR10_RECORD_BYTES} bytes; the file is truncated or not CIFAR-10 binary`,
      );
    }
    count += records;
  }

  const pixels = new Uint8Array(count * pixelBytes);
  const labels = new Uint8Array(count);
  let index = 0;
  for (const { name, data } of files) {
    for (let start = 0; start < data.length; start += CIFAR10_RECORD_BYTES, index++) {
      const label = data[start];
      if (label > 9) {
        throw new InvalidArgumentError(
          'trainer',
          'label',
          `${label} in ${name} record ${start / CIFAR10_RECORD_BYTES}`,
          'labels 0..9 (is this the CIFAR-100 or a non-CIFAR file?)',
        );
      }
      labels[index] = label;
      pixels.set(data.subarray(start + 1, start + CIFAR10_RECORD_BYTES), index * pixelBytes);
    }
  }
  return { pixels, labels, count, size: CIFAR10_IMAGE_SIZE };
}

/** Picks the images at `indices` (in that order) from a set. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const stride = 3 * set.size * set.size;
  const pixels = new Uint8Array(indices.length * stride);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i];
    pixels.set(set.pixels.subarray(from * stride, (from + 1) * stride), i * stride);
    labels[i] = set.labels[from];
  }
  return { pixels, labels, count: indices.length, size: set.size };
}

/**
 * Shrinks every image by averaging `factor`×`factor` blocks (factor: integer dividing the size;
 * 1 returns the set unchanged), rounding to the nearest byte.
 */
export function downsampleImages(set: ImageSet, factor: number): ImageSet {
  if (factor === 1) return set;
  if (!Number.isInteger(factor) || factor < 1 || set.size % factor !== 0) {
    throw new InvalidArgumentError('trainer', 'factor', factor, `integers dividing ${set.size}`);
  }
  const size = set.size / factor;
  const inPlane = set.size * set.size;
  const outPlane = size * size;
  const pixels = new Uint8Array(set.count * 3 * outPlane);
  const area = factor * factor;
  for (let plane = 0; plane < set.count * 3; plane++) {
    const inBase = plane * inPlane;
    const outBase = plane * outPlane;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = inBase + (y * factor + dy) * set.size + x * factor;
          for (let dx = 0; dx < factor; dx++) sum += set.pixels[row + dx];
        }
        pixels[outBase + y * size + x] = Math.round(sum / area);
      }
    }
  }
  return { pixels, labels: set.labels, count: set.count, size };
}

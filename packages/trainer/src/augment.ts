import type { Rng } from '@nashpobench2/search-space';
import type { ImageSet } from './cifar10.js';

/** How a batch is turned into network input. */
export interface BatchOptions {
  /** Zero padding of the random crop in pixels, integer ≥ 0; 0 disables cropping. */
  readonly cropPadding: number;
  /** Whether to flip each image horizontally with probability 0.5. */
  readonly horizontalFlip: boolean;
  /** Per-channel mean and std on the 0..1 scale (R, G, B). */
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Source of the crop offsets and flips; null = no augmentation (evaluation of test). */
  readonly rng: Rng | null;
}

/**
 * Builds one NHWC float batch from planar images: random crop of the image zero-padded by
 * `cropPadding` pixels, then random horizontal flip (torchvision's RandomCrop(padding) →
 * RandomHorizontalFlip order; padding is black, i.e. raw 0 before normalization), then
 * (pixel/255 − mean)/std per channel. Per image the rng draws crop y, crop x, then the flip.
 */
export function makeBatch(
  set: ImageSet,
  indices: ArrayLike<number>,
  options: BatchOptions,
): { pixels: Float32Array; labels: Int32Array } {
  const size = set.size;
  const plane = size * size;
  const pixels = new Float32Array(indices.length * plane * 3);
  const labels = new Int32Array(indices.length);
  const scale = [0, 1, 2].map((c) => 1 / (255 * options.normalization.std[c]));
  const shift = [0, 1, 2].map((c) => -options.normalization.mean[c] / options.normalization.std[c]);
  const pad = options.rng ? options.cropPadding : 0;

  for (let i = 0; i < indices.length; i++) {
    const image = indices[i];
    labels[i] = set.labels[image];
    const offsetY = pad > 0 ? (options.rng as Rng).int(2 * pad + 1) - pad : 0;
    const offsetX = pad > 0 ? (options.rng as Rng).int(2 * pad + 1) - pad : 0;
    const flip = options.rng !== null && options.horizontalFlip && options.rng.next() < 0.5;
    const source = image * plane * 3;
    const target = i * plane * 3;

    for (let y = 0; y < size; y++) {
      const sy = y + offsetY;
      const rowInside = sy >= 0 && sy < size;
      for (let x = 0; x < size; x++) {
        const sx = (flip ? size - 1 - x : x) + offsetX;
        const inside = rowInside && sx >= 0 && sx < size;
        const out = target + (y * size + x) * 3;
        for (let c = 0; c < 3; c++) {
          const raw = inside ? set.pixels[source + c * plane + sy * size + sx] : 0;
          pixels[out + c] = raw * scale[c] + shift[c];
        }
      }
    }
  }
  return { pixels, labels };
}

/** Fisher–Yates shuffle of 0..count−1 driven by `rng`. */
export function shuffledIndices(count: number, rng: Rng): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

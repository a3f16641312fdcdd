import { createRng, type Rng } from '@nashpobench2/search-space';
import { describe, expect, it } from 'vitest';
import { makeBatch, shuffledIndices } from './augment.js';
import type { ImageSet } from './cifar10.js';
import { expectAllClose } from './test-helpers.js';

const IDENTITY = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] };

/** Two 4×4 images; pixel value = 60·channel + 10·y + x (+ 50 for image 1). */
function tinySet(): ImageSet {
  const pixels = new Uint8Array(2 * 3 * 16);
  for (let image = 0; image < 2; image++)
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++)
          pixels[image * 48 + c * 16 + y * 4 + x] = 50 * image + 60 * c + 10 * y + x;
  return { pixels, labels: new Uint8Array([3, 7]), count: 2, size: 4 };
}

/** An Rng that replays fixed draws: int() from `ints`, next() from `floats`. */
function scripted(ints: number[], floats: number[]): Rng {
  const rng = {
    int: () => ints.shift() as number,
    next: () => floats.shift() as number,
    pick: () => {
      throw new Error('unused');
    },
    normal: () => 0,
    fork: () => rng,
  };
  return rng;
}

describe('makeBatch', () => {
  it('converts planar bytes to NHWC and normalizes (x/255 − mean)/std', () => {
    const normalization = { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 1] };
    const { pixels, labels } = makeBatch(tinySet(), [1], {
      cropPadding: 4,
      horizontalFlip: true,
      normalization,
      rng: null,
    });
    expect(Array.from(labels)).toEqual([7]);
    // y = 2, x = 1 of image 1: raw 50 + 60c + 21 → channel c at NHWC index (2·4 + 1)·3 + c.
    for (let c = 0; c < 3; c++) {
      const raw = 50 + 60 * c + 21;
      const expected = (raw / 255 - normalization.mean[c]) / normalization.std[c];
      expect(pixels[(2 * 4 + 1) * 3 + c]).toBeCloseTo(expected, 5);
    }
  });

  it('crops with zero padding, then flips, as torchvision RandomCrop → RandomHorizontalFlip', () => {
    // padding 1: offsets int(3) − 1; draws: y offset +1, x offset −1, flip (0.2 < 0.5).
    const rng = scripted([2, 0], [0.2]);
    const { pixels } = makeBatch(tinySet(), [0], {
      cropPadding: 1,
      horizontalFlip: true,
      normalization: IDENTITY,
      rng,
    });
    // Crop: out(y, x) = in(y + 1, x − 1), zero outside; flip: out(y, x) = crop(y, 3 − x).
    const expected: number[] = [];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const sy = y + 1;
        const sx = 3 - x - 1;
        const inside = sy < 4 && sx >= 0;
        for (let c = 0; c < 3; c++) expected.push(inside ? 60 * c + 10 * sy + sx : 0);
      }
    }
    expectAllClose(pixels, expected, 1e-3);
  });

  it('is deterministic under a seed and varies across seeds', () => {
    const options = (seed: number) => ({
      cropPadding: 2,
      horizontalFlip: true,
      normalization: IDENTITY,
      rng: createRng(seed),
    });
    const indices = [0, 1, 0, 1, 0, 1, 0, 1];
    const a = makeBatch(tinySet(), indices, options(9));
    const b = makeBatch(tinySet(), indices, options(9));
    const c = makeBatch(tinySet(), indices, options(10));
    expect(a.pixels).toEqual(b.pixels);
    expect(a.pixels).not.toEqual(c.pixels);
  });
});

describe('shuffledIndices', () => {
  it('is a seeded permutation', () => {
    const order = shuffledIndices(100, createRng(1));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffledIndices(100, createRng(1))).toEqual(order);
    expect(shuffledIndices(100, createRng(2))).not.toEqual(order);
  });
});

import type { BenchmarkView, QueryMode } from '../benchmark-view.js';
import { decodeIndex } from '../components.js';

/** Deterministic noise in [−1, 1) from integers (a small integer hash). */
function noise(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ c;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 12;
  return ((h >>> 0) / 2 ** 32) * 2 - 1;
}

/**
 * A synthetic benchmark over all 196,608 configurations, computed by formula: accuracy grows
 * with convolutions on connected paths, peaks at a cell-dependent learning rate, and saturates
 * over epochs; costs grow with convolutions and small batches. For optimizer tests only.
 */
export function syntheticBenchmark(): BenchmarkView & { finalValid(index: number): number } {
  const seeds = [222, 555, 888];
  const values = new Array<number>(8);

  const finalValid = (index: number): number => {
    decodeIndex(index, values);
    const [e01, e02, e12, e03, e13, e23, lr, bs] = values;
    const open = (digit: number) => digit !== 3;
    const connected =
      open(e03) || (open(e01) && open(e13)) || (open(e02) && open(e23)) || (open(e01) && open(e12) && open(e23));
    if (!connected) return 10;
    const convs = [e01, e02, e12, e03, e13, e23].filter((d) => d === 0).length;
    const pools = [e01, e02, e12, e03, e13, e23].filter((d) => d === 1).length;
    const bestLr = convs >= 3 ? 5 : 3; // the best lr depends on the cell
    const lrPenalty = 2.5 * (lr - bestLr) ** 2;
    const bsPenalty = 1.5 * (bs - 2) ** 2;
    return Math.max(15, 60 + 5 * convs - 2 * pools - lrPenalty - bsPenalty);
  };

  const curve = (epoch: number) => (1 - Math.exp(-epoch / 4)) / (1 - Math.exp(-12 / 4));

  const seedNoise = (index: number, seed: number | undefined, salt: number): number => {
    if (seed !== undefined) return 0.6 * noise(index, seed, salt);
    return seeds.reduce((sum, s) => sum + 0.6 * noise(index, s, salt), 0) / seeds.length;
  };

  const epochSeconds = (index: number): number => {
    decodeIndex(index, values);
    const convs = values.slice(0, 6).filter((d) => d === 0).length;
    return (4 + 3 * convs) * (512 / [16, 32, 64, 128, 256, 512][values[7]]) ** 0.3;
  };

  return {
    protocol: { name: 'synthetic', version: 1, shortEpochs: 12, longEpochs: 200 },
    seeds,
    finalValid,
    accuracyAt(index: number, mode: QueryMode, iepoch: number, seed?: number): number {
      const final = finalValid(index);
      const offset = mode === 'train' ? 5 : mode === 'test' ? -0.7 : 0;
      const salt = mode === 'test' ? 2 : 1;
      return 10 + (final + offset - 10) * curve(iepoch) + seedNoise(index, seed, salt);
    },
    costAt(index: number, mode: QueryMode, iepoch: number): number {
      const train = epochSeconds(index);
      const perEpoch = mode === 'train' ? train : mode === 'valid' ? 1.2 * train : 1.4 * train;
      return perEpoch * iepoch;
    },
    longAccuracyAt(index: number): number {
      return Math.min(97, finalValid(index) + 20 + 0.5 * noise(index, 7, 3));
    },
  };
}

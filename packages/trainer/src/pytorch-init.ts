import type { Rng } from '@nashpobench2/search-space';

/**
 * Fills `size` values uniformly from [-bound, bound) using a seeded generator.
 * bound: half-width, > 0; the result is a fresh Float32Array.
 */
export function uniformValues(size: number, bound: number, rng: Rng): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * rng.next() - 1) * bound;
  return values;
}

/**
 * Half-width of PyTorch's default initialization of a conv or linear weight,
 * `kaiming_uniform_(a=√5)`: gain √(2/(1+5)) × √(3/fanIn) = 1/√fanIn. fanIn: inputs per output, ≥ 1.
 */
export function pytorchWeightBound(fanIn: number): number {
  const gain = Math.sqrt(2 / (1 + 5));
  return gain * Math.sqrt(3 / fanIn);
}

/** Half-width of PyTorch's default bias initialization for conv and linear layers: 1/√fanIn. */
export function pytorchBiasBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

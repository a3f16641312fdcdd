/**
 * Test helpers for the kernels: seeded random data, running one computation on a named backend
 * and reading its result back, and the relative error between two results.
 */
import { createRng } from '@nashpobench2/search-space';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '../register-gradients.js';
import { registerWasmKernels } from './index.js';

/** Prepares both backends once: the WASM backend with this package's kernels, and plain JS. */
export async function setupBackends(): Promise<void> {
  registerWasmKernels();
  tf.env().set('PROD', true);
  await tf.setBackend('wasm');
  await tf.ready();
}

/** Standard normal values from `seed`, as a Float32Array of `size`. */
export function normals(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** Runs `compute` on `backend` and returns each result's values (then frees every tensor). */
export async function runOn(
  backend: 'wasm' | 'cpu',
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const values = tf.tidy(() => {
    const out = compute();
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
  return values.map((v) => Float32Array.from(v));
}

/** max |a − b| / max(1, max |b|): the error of `a` relative to the reference `b`'s scale. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

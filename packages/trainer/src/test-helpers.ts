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

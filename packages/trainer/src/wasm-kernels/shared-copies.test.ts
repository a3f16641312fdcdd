import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackends } from './test-support.js';

describe('WASM Identity and Cast without copies', () => {
  beforeAll(setupBackends);

  it('a clone keeps its values after the original is disposed, and vice versa', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const original = tf.tensor1d([1.5, -2, 3]);
    const clone = tf.clone(original);
    original.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1.5, -2, 3]);
    const again = tf.clone(clone);
    clone.dispose();
    expect(Array.from(again.dataSync())).toEqual([1.5, -2, 3]);
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('casts between types as before and shares the buffer only for the same type', async () => {
    await tf.setBackend('wasm');
    const floats = tf.tensor1d([1.75, -2.5, 3]);
    expect(Array.from(tf.cast(floats, 'float32').dataSync())).toEqual([1.75, -2.5, 3]);
    // float32 → int32 truncates toward zero, as the stock kernel (and the cpu backend) do.
    expect(Array.from(tf.cast(floats, 'int32').dataSync())).toEqual([1, -2, 3]);
    const ints = tf.tensor1d([4, -5], 'int32');
    const asFloat = tf.cast(ints, 'float32');
    expect(asFloat.dtype).toBe('float32');
    expect(Array.from(asFloat.dataSync())).toEqual([4, -5]);
    tf.dispose([floats, ints, asFloat]);
  });

  it('keeps a variable update from changing a tensor saved earlier', async () => {
    await tf.setBackend('wasm');
    const variable = tf.variable(tf.tensor1d([1, 2]));
    const saved = tf.clone(variable);
    variable.assign(tf.tensor1d([7, 8]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2]);
    expect(Array.from(variable.dataSync())).toEqual([7, 8]);
    tf.dispose([variable, saved]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

let prepared = false;

/**
 * The TensorFlow.js core module, with the CPU backend registered. Uses whatever backend the
 * application made active (CPU by default, WebGL or WASM when an app registered and chose one).
 */
export function tensorflow(): typeof tf {
  if (!prepared) {
    prepared = true;
    // The CPU backend writes a one-time console hint about tfjs-node on its first tensor in
    // Node; a library must not print, and this package's models are small enough for plain JS.
    const active = tf.backend() as unknown as { firstUse?: boolean };
    if (tf.getBackend() === 'cpu' && 'firstUse' in active) active.firstUse = false;
  }
  return tf;
}

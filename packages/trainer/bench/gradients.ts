/**
 * Registers tfjs-core's gradient functions in Node. tfjs-core's Node bundle ships without them
 * (they come with the `@tensorflow/tfjs` union package); the bench loads that package from where
 * the trainer's optional `@tensorflow/tfjs-node` dependency installed it.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

/** Makes sure the gradient of RealDiv (and with it every core gradient) is registered. */
export function ensureGradients(): void {
  if (tf.getGradient('RealDiv') !== undefined) return;
  const here = createRequire(import.meta.url);
  try {
    here('@tensorflow/tfjs');
  } catch {
    const viaNode = createRequire(here.resolve('@tensorflow/tfjs-node/package.json'));
    viaNode('@tensorflow/tfjs');
  }
}

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIMD_KERNELS_WASM } from './simd-binary.js';
import { simdKernels } from './simd-kernels.js';
import { setupBackends } from './test-support.js';

describe('the SIMD kernel module', () => {
  beforeAll(setupBackends);

  it('embeds exactly the committed native/kernels.wasm', () => {
    const file = readFileSync(new URL('../../native/kernels.wasm', import.meta.url));
    expect(Buffer.from(SIMD_KERNELS_WASM, 'base64').equals(file)).toBe(true);
  });

  it('imports only the backend memory and runs on the wasm backend here', async () => {
    const module = new WebAssembly.Module(Buffer.from(SIMD_KERNELS_WASM, 'base64'));
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
    await tf.setBackend('wasm');
    // The gradient tests compare kernels on 'wasm' with 'cpu'; they test the SIMD kernels only
    // if the module loads here.
    expect(simdKernels(tf.backend())).not.toBeNull();
  });
});

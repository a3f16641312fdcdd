/**
 * The package's own WebAssembly SIMD kernels (`native/kernels.c`, built by `native/build.sh` and
 * embedded as `simd-binary.ts`). The module imports the memory of tfjs-backend-wasm and runs in
 * place on the backend's tensors (pointers from the backend's data map): no copies in or out.
 * It owns nothing in that memory (no data segment, no stack; the build checks both).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { SIMD_KERNELS_WASM } from './simd-binary.js';

/** The module's exports; pointers are byte offsets into the backend's memory. */
export interface SimdKernels {
  conv2d_filter_grad(
    x: number,
    dy: number,
    dw: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    oh: number,
    ow: number,
    co: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
  ): void;
  conv2d_padded(
    input: number,
    filter: number,
    bias: number,
    out: number,
    n: number,
    hp: number,
    wp: number,
    cin: number,
    h: number,
    w: number,
    cout: number,
    kh: number,
    kw: number,
    stride: number,
  ): void;
  pad_nhwc(
    src: number,
    dst: number,
    n: number,
    h: number,
    w: number,
    c: number,
    hp: number,
    wp: number,
    top: number,
    left: number,
  ): void;
  flip_filter(w: number, wt: number, kh: number, kw: number, ci: number, co: number): void;
  conv2d_input_grad_strided(
    dyPadded: number,
    filterTransposed: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    hp: number,
    wp: number,
    co: number,
    kh: number,
    kw: number,
    stride: number,
    padTop: number,
    padLeft: number,
    dyPadTop: number,
    dyPadLeft: number,
  ): void;
  transpose_filter(w: number, wt: number, kh: number, kw: number, ci: number, co: number): void;
  sgd_update(
    p: number,
    g: number,
    b: number,
    pOut: number,
    bOut: number,
    size: number,
    lr: number,
    momentum: number,
    weightDecay: number,
    nesterov: number,
  ): void;
  relu_grad(dy: number, x: number, dx: number, size: number): void;
  channel_sums(x: number, sums: number, pixels: number, c: number): void;
  avg_pool_tiles_grad(
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    fh: number,
    fw: number,
    oh: number,
    ow: number,
    scale: number,
  ): void;
  bn_sums(x: number, shift: number, sums: number, pixels: number, c: number): void;
  bn_grad_sums(dy: number, x: number, mean: number, sums: number, pixels: number, c: number): void;
  bn_apply(
    x: number,
    mean: number,
    a: number,
    b: number,
    y: number,
    pixels: number,
    c: number,
  ): void;
  bn_grad_apply(
    dy: number,
    x: number,
    mean: number,
    a: number,
    q: number,
    r: number,
    dx: number,
    pixels: number,
    c: number,
  ): void;
}

/** The parts of tfjs-backend-wasm 4.22's backend object this module needs. */
interface BackendInternals {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap?: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
}

let enabled = true;
let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * Turns the SIMD kernels off (the kernels then take their XNNPACK paths) or back on; for
 * benchmarks that compare both in one build.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

function compile(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(SIMD_KERNELS_WASM);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      // No WASM SIMD, or synchronous compilation refused (browser main thread): stay on XNNPACK.
      compiled = null;
    }
  }
  return compiled;
}

/** The SIMD kernels bound to `backend`'s memory, or null where they cannot run. */
export function simdKernels(backend: unknown): SimdKernels | null {
  if (!enabled) return null;
  const memory = (backend as BackendInternals).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached) return cached;
  const module = compile();
  if (!module) return null;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as SimdKernels;
  instances.set(memory, kernels);
  return kernels;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function pointerOf(backend: unknown, info: tf.TensorInfo): number {
  const entry = (backend as BackendInternals).dataIdMap?.get(info.dataId);
  if (!entry) throw new Error('wasm-kernels: tensor has no data on the wasm backend');
  return entry.memoryOffset;
}

/** Timing of one (cell, batch) setting of the lite-sized network on the active backend. */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTraining, registerWasmKernels } from '../src/wasm-kernels/index.js';
import { ensureGradients } from './gradients.js';
import { LiteNetwork, stockBatchNorm } from './lite-network.js';
import { registerStockFallbacks } from './stock-fallbacks.js';

/** One measured setting: medians in milliseconds, throughputs in images per second. */
export interface BenchRow {
  readonly cell: string;
  readonly batch: number;
  readonly stepMs: number;
  readonly trainForwardMs: number;
  readonly evalForwardMs: number;
  readonly trainImagesPerSecond: number;
  readonly evalImagesPerSecond: number;
  readonly leakedTensors: number;
  readonly profile?: string;
}

let kernelMode = 'fast';

/** Selects the backend ('wasm' or 'cpu') and the kernel set ('fast' or 'stock'). */
export async function setupBackend(backend: string, kernels: string): Promise<void> {
  kernelMode = kernels;
  ensureGradients();
  if (backend === 'wasm') {
    if (kernels === 'fast') registerWasmKernels();
    else registerStockFallbacks();
  }
  await tf.setBackend(backend);
  await tf.ready();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeIt(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function profileStep(fn: () => void): Promise<string> {
  const info = await tf.profile(fn);
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14);
  const parts = top.map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  return `kernel ms (sum ${total.toFixed(0)}, ${info.kernels.length} kernels): ${parts.join(', ')}`;
}

/** Measures train step, training-mode forward and eval forward of one setting. */
export async function measureSetting(opts: {
  cell: string;
  batch: number;
  steps: number;
  evalSteps: number;
  profile: boolean;
}): Promise<BenchRow> {
  const bn = kernelMode === 'fast' ? batchNormTraining : stockBatchNorm;
  const net = new LiteNetwork(opts.cell, { imageSize: 16, width: 8, cellsPerStage: 1 }, bn);
  const images = tf.randomNormal([opts.batch, 16, 16, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const labels = tf.oneHot(tf.randomUniform([opts.batch], 0, 10, 'int32', 8) as tf.Tensor1D, 10);
  const before = tf.memory().numTensors;

  const step = () => {
    net.trainStep(images, labels as tf.Tensor2D, 0.01);
  };
  const forward = (training: boolean) => () => {
    const logits = tf.tidy(() => net.forward(images, training));
    logits.dataSync();
    logits.dispose();
  };
  const stepMs = timeIt(step, 3, opts.steps);
  const trainForwardMs = timeIt(forward(true), 3, opts.evalSteps);
  const evalForwardMs = timeIt(forward(false), 3, opts.evalSteps);
  const profile = opts.profile ? await profileStep(step) : undefined;
  const leakedTensors = tf.memory().numTensors - before;

  net.dispose();
  tf.dispose([images, labels]);
  return {
    cell: opts.cell,
    batch: opts.batch,
    stepMs,
    trainForwardMs,
    evalForwardMs,
    trainImagesPerSecond: (1000 * opts.batch) / stepMs,
    evalImagesPerSecond: (1000 * opts.batch) / evalForwardMs,
    leakedTensors,
    profile,
  };
}

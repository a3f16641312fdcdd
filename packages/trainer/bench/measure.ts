/**
 * One benchmark worker: times the trainer's own training step (network, loss and Nesterov SGD as
 * `trainRun` runs them) and its forward passes for one (network, cell, batch) setting on one
 * backend, in this process.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRng, type NetworkShape } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { createNetwork } from '../src/network.js';
import '../src/register-gradients.js';
import { NesterovSgd } from '../src/sgd.js';
import {
  AVG_POOL_3X3_INCLUDE_PAD,
  BATCH_NORM_RUNNING_UPDATE,
  BATCH_NORM_TRAINING,
  CONV2D_BIAS,
  registerCustomKernels,
  registerWasmKernels,
} from '../src/wasm-kernels/index.js';
import { RELU_GRAD } from '../src/wasm-kernels/relu-grad.js';
import { registerStockFallbacks } from './stock-fallbacks.js';

/** Network sizes of the benchmark. */
export const NETWORKS: Record<string, NetworkShape> = {
  /** The paper's network: 32×32 input, width 16, 5 cells per stage. */
  paper: {},
  /** The lite-sized network of the issue: 16×16 input, width 8, 1 cell per stage. */
  lite: { inputSize: 16, stemChannels: 8, cellsPerStage: 1 },
};

/**
 * What one worker measured: medians in milliseconds of wall time and of this process's CPU time
 * (the CPU time shows what the run would take alone on a core when others load the machine).
 */
export interface WorkerResult {
  readonly stepMs: number;
  readonly trainForwardMs: number;
  readonly evalForwardMs: number;
  readonly stepCpuMs: number;
  readonly trainForwardCpuMs: number;
  readonly evalForwardCpuMs: number;
  /** Tensors alive after the timed steps minus before (should be 0). */
  readonly leakedTensors: number;
  /** Size of the WASM heap after the timed steps (it only grows, so: the peak), in MiB; 0 on cpu. */
  readonly memoryMiB: number;
  /**
   * When asked: mean CPU milliseconds per step by kernel (kernels called inside another kernel
   * count toward the outer one) and 'step (cpu)', over 3 steps with every kernel wrapped.
   */
  readonly profile?: Record<string, number>;
}

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  readonly backend: 'wasm' | 'cpu';
  /** 'fast': this package's kernels; 'stock': tfjs 4.22 kernels plus a naive filter gradient. */
  readonly kernels: 'fast' | 'stock';
  readonly network: string;
  readonly cell: string;
  readonly batch: number;
  readonly steps: number;
  readonly evalSteps: number;
  readonly warmup: number;
  readonly profile: boolean;
  /** Profiled steps (default 3). */
  readonly profileSteps?: number;
  /** Also total each kernel by input shapes and strides (keys start with two spaces). */
  readonly profileShapes?: boolean;
  /** Awaited before each timed phase (lets parallel workers start together). */
  readonly barrier: (phase: string) => Promise<void>;
}

async function setup(backend: 'wasm' | 'cpu', kernels: 'fast' | 'stock'): Promise<void> {
  tf.env().set('PROD', true);
  if (kernels === 'fast') {
    registerWasmKernels();
  } else {
    registerCustomKernels();
    // The network falls back to tfjs-core's composite ops when these are not registered.
    for (const name of [
      BATCH_NORM_TRAINING,
      AVG_POOL_3X3_INCLUDE_PAD,
      CONV2D_BIAS,
      BATCH_NORM_RUNNING_UPDATE,
      RELU_GRAD,
    ]) {
      tf.unregisterKernel(name, backend);
    }
    if (backend === 'wasm') registerStockFallbacks();
  }
  if (!(await tf.setBackend(backend))) throw new Error(`bench: backend ${backend} did not start`);
  await tf.ready();
}

/**
 * Wraps every kernel of `backend` with a CPU-time meter (kernels run synchronously on 'wasm' and
 * 'cpu', so the process's CPU time during a kernel is the kernel's, whatever else the machine runs),
 * attributing kernels called from inside other kernels to the outer one. Returns the totals,
 * which keep growing while `recording.on` is true.
 */
function instrumentKernels(backend: string, byShape: boolean) {
  const totals: Record<string, number> = {};
  const recording = { on: false };
  let depth = 0;
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0 || !recording.on) return inner(args);
        depth += 1;
        const started = process.cpuUsage();
        try {
          return inner(args);
        } finally {
          depth -= 1;
          const used = process.cpuUsage(started);
          const ms = (used.user + used.system) / 1000;
          totals[config.kernelName] = (totals[config.kernelName] ?? 0) + ms;
          if (byShape) {
            const shapes = Object.values(args.inputs)
              .map((t) => (t as tf.TensorInfo | undefined)?.shape.join('x'))
              .join(' ');
            const strides = (args.attrs as { strides?: unknown } | undefined)?.strides ?? '';
            const key = `  ${config.kernelName} ${shapes} ${JSON.stringify(strides)}`;
            totals[key] = (totals[key] ?? 0) + ms;
          }
        }
      },
    });
  }
  return { totals, recording };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall and CPU milliseconds of `count` runs. */
function timeRuns(run: () => void, count: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const startedCpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(startedCpu);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Runs one setting: warm-up, then timed steps, train-mode forwards and eval forwards. */
export async function runWorker(options: WorkerOptions): Promise<WorkerResult> {
  await setup(options.backend, options.kernels);
  const instrumented = options.profile
    ? instrumentKernels(options.backend, options.profileShapes ?? false)
    : null;
  const shape = NETWORKS[options.network];
  if (!shape) throw new Error(`bench: unknown network ${options.network}`);
  const network = createNetwork(options.cell, { ...shape, seed: 1 });
  const size = network.shape.inputSize;
  const classes = network.shape.classCount;
  const rng = createRng(7);
  const pixels = Float32Array.from({ length: options.batch * size * size * 3 }, () => rng.normal());
  const labelValues = Int32Array.from({ length: options.batch }, () => rng.int(classes));
  const images = tf.tensor4d(pixels, [options.batch, size, size, 3]);
  const labels = tf.tensor1d(labelValues, 'int32');
  const optimizer = new NesterovSgd();
  const variables = network.trainable.map((p) => p.variable);

  // The step of trainRun: loss (mean cross-entropy), correct count, SGD update, host reads.
  const step = () => {
    let correct: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = network.forward(images, true);
      correct = tf.keep(
        tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar,
      );
      const oneHot = tf.oneHot(labels, classes);
      const sum = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))));
      return tf.div(sum, options.batch) as tf.Scalar;
    }, variables);
    optimizer.step(0.01, variables, grads);
    value.dataSync();
    (correct as unknown as tf.Scalar).dataSync();
    tf.dispose([value, correct as unknown as tf.Scalar, ...Object.values(grads)]);
  };
  const forward = (training: boolean) => () => {
    const logits = tf.tidy(() => network.forward(images, training));
    logits.dataSync();
    logits.dispose();
  };

  for (let i = 0; i < options.warmup; i++) step();
  forward(true)();
  forward(false)();
  const before = tf.memory().numTensors;
  await options.barrier('train');
  const stepTimes = timeRuns(step, options.steps);
  const leakedTensors = tf.memory().numTensors - before;
  await options.barrier('forward');
  const trainForwardTimes = timeRuns(forward(true), options.evalSteps);
  await options.barrier('eval');
  const evalForwardTimes = timeRuns(forward(false), options.evalSteps);

  let profile: Record<string, number> | undefined;
  if (instrumented) {
    const profiled = options.profileSteps ?? 3;
    instrumented.recording.on = true;
    const started = process.cpuUsage();
    for (let i = 0; i < profiled; i++) step();
    const used = process.cpuUsage(started);
    instrumented.recording.on = false;
    profile = { 'step (cpu)': (used.user + used.system) / 1000 / profiled };
    for (const [name, ms] of Object.entries(instrumented.totals)) profile[name] = ms / profiled;
  }

  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm;
  const heapBytes = wasm ? wasm.HEAPU8.length : 0;
  optimizer.dispose();
  network.dispose();
  tf.dispose([images, labels]);
  return {
    stepMs: stepTimes.wall,
    trainForwardMs: trainForwardTimes.wall,
    evalForwardMs: evalForwardTimes.wall,
    stepCpuMs: stepTimes.cpu,
    trainForwardCpuMs: trainForwardTimes.cpu,
    evalForwardCpuMs: evalForwardTimes.cpu,
    leakedTensors,
    memoryMiB: heapBytes / 2 ** 20,
    profile,
  };
}

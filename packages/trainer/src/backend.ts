import { InvalidArgumentError } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { createNetwork } from './network.js';
import './register-gradients.js';
import { registerWasmKernels } from './wasm-kernels/index.js';

/** Backend choices of `--backend`. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** What {@link selectBackend} did. */
export interface BackendSelection {
  /** The choice that was taken ('tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'). */
  readonly choice: Exclude<BackendChoice, 'auto'>;
  /** The TensorFlow.js backend name now active (for example 'tensorflow', 'wasm', 'cpu'). */
  readonly backend: string;
  /** Device description, for example 'cpu (2 cores, wasm simd)'. */
  readonly device: string;
  /** One line per candidate tried and skipped, with the reason, in order. */
  readonly skipped: readonly string[];
}

type Attempt = () => Promise<{ backend: string; device: string }>;

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 300);
}

async function cpuCount(): Promise<number> {
  const os = await import('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}

async function tryNode(
  pkg: string,
  wantGpu: boolean,
): Promise<{ backend: string; device: string }> {
  // Importing the binding registers the 'tensorflow' backend; it fails where libtensorflow
  // (downloaded by the package's install script) is absent.
  await import(pkg);
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(`${pkg} loaded but its backend did not initialize`);
  if (wantGpu) {
    const gpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    if (gpu === false) throw new Error(`${pkg} found no CUDA device`);
    return { backend: 'tensorflow-gpu', device: 'gpu (CUDA via libtensorflow)' };
  }
  return { backend: 'tensorflow', device: `cpu (${await cpuCount()} cores, libtensorflow)` };
}

const ATTEMPTS: Record<Exclude<BackendChoice, 'auto'>, Attempt> = {
  'tensorflow-gpu': () => tryNode('@tensorflow/tfjs-node-gpu', true),
  tensorflow: () => tryNode('@tensorflow/tfjs-node', false),
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialize');
    return { backend: 'wasm', device: `cpu (1 thread of ${await cpuCount()} cores, wasm)` };
  },
  cpu: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialize');
    return { backend: 'cpu', device: `cpu (1 thread of ${await cpuCount()} cores, plain JS)` };
  },
};

/**
 * One training step of a tiny network with every layer kind, so that a backend lacking a kernel
 * or gradient (for example stock WASM's Conv2DBackpropFilter) is rejected before a sweep starts.
 */
function probeTraining(): void {
  const network = createNetwork('0|12|012', { stemChannels: 2, cellsPerStage: 1, inputSize: 4 });
  try {
    tf.tidy(() => {
      const images = tf.ones([2, 4, 4, 3]) as tf.Tensor4D;
      const variables = network.trainable.map((p) => p.variable);
      const { grads } = tf.variableGrads(
        () => tf.mean(network.forward(images, true)) as tf.Scalar,
        variables,
      );
      for (const grad of Object.values(grads)) grad.dataSync();
    });
  } catch (error) {
    throw new Error(`cannot train (${reasonOf(error)})`);
  } finally {
    network.dispose();
  }
}

/**
 * Activates a TensorFlow.js backend and checks it can train (one step of a tiny network). 'auto'
 * tries tfjs-node-gpu, tfjs-node, wasm, then cpu, and reports why each skipped one failed; a named
 * choice fails with its reason if unavailable.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendSelection> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new InvalidArgumentError('trainer', 'backend', choice, BACKEND_CHOICES.join(', '));
  }
  const order: Exclude<BackendChoice, 'auto'>[] =
    choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice];
  // PROD silences TensorFlow.js console notices (libraries must not print) and skips debug checks.
  tf.env().set('PROD', true);
  const skipped: string[] = [];
  for (const candidate of order) {
    try {
      const { backend, device } = await ATTEMPTS[candidate]();
      await tf.ready();
      probeTraining();
      return { choice: candidate, backend, device, skipped };
    } catch (error) {
      skipped.push(`${candidate}: ${reasonOf(error)}`);
    }
  }
  throw new InvalidArgumentError(
    'trainer',
    'backend',
    choice,
    `an available backend (tried: ${skipped.join('; ')})`,
  );
}

import {
  type CellCode,
  createRng,
  EDGES,
  type NetworkShape,
  OP_AVG_POOL,
  OP_CONV,
  OP_SKIP,
  PAPER_NETWORK_SHAPE,
  parseCellCode,
} from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { avgPool3x3IncludePad, BatchNorm, Conv2d, Linear, ParameterStore } from './layers.js';
import { registerReluGrad } from './wasm-kernels/relu-grad.js';

/** ReLU → 3×3 conv (no bias, channels kept) → batch norm: the cell's convolution op. */
class ReluConvBn {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;

  constructor(store: ParameterStore, name: string, inC: number, outC: number, stride: number) {
    this.conv = new Conv2d(store, `${name}.conv`, inC, outC, 3, stride, 1, false);
    this.bn = new BatchNorm(store, `${name}.bn`, outC);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.bn.apply(this.conv.apply(tf.relu(x)), training);
  }
}

/**
 * The convolution ops of the edges that read the same node: the node's ReLU is computed once
 * and shared (one ReLU and one ReLU gradient per node instead of one per edge, and one saved
 * activation instead of one per edge); each edge keeps its own convolution and batch norm, so
 * the results are the same bits as edge by edge. (Running the edges' convolutions as one wider
 * convolution, filters side by side, was measured slower on the WASM backend: XNNPACK's wider
 * products were not cheaper per output channel, and splitting the batch norm cost more.)
 */
class NodeReluConvBns {
  constructor(private readonly ops: readonly ReluConvBn[]) {}

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D[] {
    const activated = tf.relu(x);
    return this.ops.map((op) => op.bn.apply(op.conv.apply(activated), training));
  }
}

/** One cell: a DAG on 4 nodes whose 6 edges carry the code's operations (SPEC section 2). */
class Cell {
  private readonly ops: readonly number[];
  /** Per source node: its edges in edge order, with the node's conv edges as one op. */
  private readonly outgoing: {
    readonly edges: readonly number[];
    readonly convEdges: readonly number[];
    readonly merged: NodeReluConvBns | null;
  }[];

  constructor(store: ParameterStore, name: string, code: CellCode, channels: number) {
    this.ops = parseCellCode(code);
    // Variables are made edge by edge, in edge order (names, order and initialization as before).
    const convs = this.ops.map((op, edge) =>
      op === OP_CONV ? new ReluConvBn(store, `${name}.edge${edge}`, channels, channels, 1) : null,
    );
    this.outgoing = [0, 1, 2].map((node) => {
      const edges = EDGES.flatMap(([from], edge) => (from === node ? [edge] : []));
      const convEdges = edges.filter((edge) => convs[edge] !== null);
      const merged =
        convEdges.length > 0
          ? new NodeReluConvBns(convEdges.map((edge) => convs[edge] as ReluConvBn))
          : null;
      return { edges, convEdges, merged };
    });
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    // null stands for an exact zero tensor (a node fed only by zero ops); it is materialized
    // only where a convolution must run on it, because that convolution's BN shift still acts.
    // Nodes are visited in order; EDGES is sorted by source node, so every node is complete
    // before its outgoing edges run and sums accumulate in edge order, as edge by edge.
    const nodes: (tf.Tensor4D | null)[] = [x, null, null, null];
    for (let node = 0; node < 3; node++) {
      const input = nodes[node];
      const { edges, convEdges, merged } = this.outgoing[node];
      const convOutputs = merged
        ? merged.apply(input ?? (tf.zerosLike(x) as tf.Tensor4D), training)
        : [];
      for (const edge of edges) {
        const to = EDGES[edge][1];
        const op = this.ops[edge];
        let out: tf.Tensor4D | null = null;
        if (op === OP_CONV) {
          out = convOutputs[convEdges.indexOf(edge)];
        } else if (op === OP_AVG_POOL) {
          out = input && avgPool3x3IncludePad(input);
        } else if (op === OP_SKIP) {
          out = input;
        }
        if (out) {
          nodes[to] = nodes[to] ? (tf.add(nodes[to] as tf.Tensor4D, out) as tf.Tensor4D) : out;
        }
      }
    }
    return nodes[3] ?? (tf.zerosLike(x) as tf.Tensor4D);
  }
}

/** Residual reduction block c → 2c between stages (SPEC section 3). */
class ReductionBlock {
  private readonly convA: Conv2d;
  private readonly bnA: BatchNorm;
  private readonly convB: Conv2d;
  private readonly bnB: BatchNorm;
  private readonly shortcut: Conv2d;

  constructor(store: ParameterStore, name: string, channels: number) {
    const out = 2 * channels;
    this.convA = new Conv2d(store, `${name}.conv_a`, channels, out, 3, 2, 1, true);
    this.bnA = new BatchNorm(store, `${name}.bn_a`, out);
    this.convB = new Conv2d(store, `${name}.conv_b`, out, out, 3, 1, 1, true);
    this.bnB = new BatchNorm(store, `${name}.bn_b`, out);
    this.shortcut = new Conv2d(store, `${name}.shortcut`, channels, out, 1, 1, 0, true);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const a = this.bnA.apply(this.convA.apply(tf.relu(x)), training);
    const b = this.bnB.apply(this.convB.apply(tf.relu(a)), training);
    const pooled = tf.avgPool(x, 2, 2, 'valid');
    return tf.add(b, this.shortcut.apply(pooled));
  }
}

/** Options of {@link createNetwork}: the macro shape (paper defaults) and the init seed. */
export interface NetworkOptions extends NetworkShape {
  /** Seed of the weight initialization, integer; default 0. */
  readonly seed?: number;
}

/** The paper's network for one cell code, as TensorFlow.js variables with a forward function. */
export interface Network {
  /** Cell code the network was built for. */
  readonly cellCode: CellCode;
  /** The resolved macro shape. */
  readonly shape: Required<NetworkShape>;
  /** Trainable variables (weights, biases, BN scales and shifts) with PyTorch-style names. */
  readonly trainable: readonly { name: string; variable: tf.Variable }[];
  /** Batch-norm running statistics (not trained). */
  readonly buffers: readonly tf.Variable[];
  /** Number of trainable scalars, as PyTorch counts them. */
  readonly parameterCount: number;
  /** Logits [batch, classes] of an NHWC batch; `training` selects batch statistics and updates. */
  forward(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** Releases every variable. */
  dispose(): void;
}

/**
 * Builds the network of SPEC section 3: stem conv(bias)+BN, `stageCount` stages of
 * `cellsPerStage` identical cells with channels doubling through residual reduction blocks,
 * head BN → ReLU → global average pool → linear. Weights use PyTorch's default initialization.
 */
export function createNetwork(cellCode: CellCode, options: NetworkOptions = {}): Network {
  const { seed = 0, ...shapeOptions } = options;
  // ReLU's gradient as one kernel on 'wasm' and 'cpu' (same bits as tfjs-core's three).
  registerReluGrad();
  const shape = { ...PAPER_NETWORK_SHAPE, ...shapeOptions };
  parseCellCode(cellCode);

  const store = new ParameterStore(createRng(seed));
  const stemConv = new Conv2d(
    store,
    'stem.conv',
    shape.inputChannels,
    shape.stemChannels,
    3,
    1,
    1,
    true,
  );
  const stemBn = new BatchNorm(store, 'stem.bn', shape.stemChannels);

  const blocks: { apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D }[] = [];
  let channels = shape.stemChannels;
  for (let stage = 0; stage < shape.stageCount; stage++) {
    if (stage > 0) {
      blocks.push(new ReductionBlock(store, `stage${stage}.reduction`, channels));
      channels *= 2;
    }
    for (let cell = 0; cell < shape.cellsPerStage; cell++) {
      blocks.push(new Cell(store, `stage${stage}.cell${cell}`, cellCode, channels));
    }
  }
  const headBn = new BatchNorm(store, 'head.bn', channels);
  const classifier = new Linear(store, 'head.linear', channels, shape.classCount);

  const parameterCount = store.trainable.reduce((sum, p) => sum + p.variable.size, 0);

  return {
    cellCode,
    shape,
    trainable: store.trainable,
    buffers: store.buffers,
    parameterCount,
    forward(images, training) {
      let x = stemBn.apply(stemConv.apply(images), training);
      for (const block of blocks) x = block.apply(x, training);
      const features = tf.mean(tf.relu(headBn.apply(x, training)), [1, 2]) as tf.Tensor2D;
      return classifier.apply(features);
    },
    dispose: () => store.dispose(),
  };
}

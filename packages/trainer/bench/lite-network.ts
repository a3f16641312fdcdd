/**
 * A minimal stand-in for the trainer's network, built from tfjs-core ops with the paper's layer
 * structure (stem conv+BN, cells of ReLU-conv-BN / avgpool / skip / zero, residual reduction
 * blocks, head BN-ReLU-GAP-linear) and an SGD step (momentum 0.9, Nesterov, weight decay 5e-4).
 * The speed benchmark uses it when the trainer's own network is not available.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Edge order of a cell code 'A|BC|DEF': (from, to) node pairs. */
const EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

/** Batch norm in training mode: returns the normalized tensor and the batch moments. */
export type TrainingBatchNorm = (
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
) => tf.Tensor4D;

/** Shape of the bench network: input size in pixels, stem width, cells per stage. */
export interface LiteShape {
  readonly imageSize: number;
  readonly width: number;
  readonly cellsPerStage: number;
}

/** Stock batch norm in training mode, as a network written against tfjs-core would do it. */
export const stockBatchNorm: TrainingBatchNorm = (x, gamma, beta, epsilon) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
};

/** A network of tf.Variables with a functional forward pass. */
export class LiteNetwork {
  readonly params = new Map<string, tf.Variable>();
  private readonly velocity = new Map<string, tf.Variable>();
  private readonly running = new Map<string, tf.Variable>();
  private readonly seed: { value: number };
  private training = true;

  constructor(
    readonly cellCode: string,
    readonly shape: LiteShape,
    readonly batchNorm: TrainingBatchNorm = stockBatchNorm,
    seed = 1,
  ) {
    this.seed = { value: seed };
    this.build();
  }

  private variable(name: string, shape: number[], fanIn: number | null): void {
    const value =
      fanIn === null
        ? tf.ones(shape)
        : tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', this.seed.value++);
    this.params.set(name, tf.variable(value, true, name));
    this.velocity.set(name, tf.variable(tf.zerosLike(value), false, `${name}/v`));
    value.dispose();
  }

  private conv(name: string, k: number, cin: number, cout: number, bias: boolean): void {
    this.variable(`${name}/w`, [k, k, cin, cout], k * k * cin);
    if (bias) this.variable(`${name}/b`, [cout], k * k * cin);
  }

  private bn(name: string, c: number): void {
    this.variable(`${name}/gamma`, [c], null);
    this.variable(`${name}/beta`, [c], null);
    tf.tidy(() => this.params.get(`${name}/beta`)!.assign(tf.zeros([c])));
    this.running.set(`${name}/mean`, tf.variable(tf.zeros([c]), false));
    this.running.set(`${name}/variance`, tf.variable(tf.ones([c]), false));
  }

  private build(): void {
    const ops = this.ops();
    let c = this.shape.width;
    this.conv('stem', 3, 3, c, true);
    this.bn('stem/bn', c);
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        this.conv(`red${stage}/a`, 3, c, 2 * c, true);
        this.bn(`red${stage}/a/bn`, 2 * c);
        this.conv(`red${stage}/b`, 3, 2 * c, 2 * c, true);
        this.bn(`red${stage}/b/bn`, 2 * c);
        this.conv(`red${stage}/short`, 1, c, 2 * c, true);
        c *= 2;
      }
      for (let cell = 0; cell < this.shape.cellsPerStage; cell++) {
        ops.forEach((op, e) => {
          if (op !== 0) return;
          this.conv(`s${stage}c${cell}e${e}`, 3, c, c, false);
          this.bn(`s${stage}c${cell}e${e}/bn`, c);
        });
      }
    }
    this.bn('head/bn', c);
    this.variable('head/w', [c, 10], c);
    this.variable('head/b', [10], c);
  }

  private ops(): number[] {
    return [...this.cellCode.replaceAll('|', '')].map(Number);
  }

  private p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  private norm(x: tf.Tensor4D, name: string): tf.Tensor4D {
    if (!this.training) {
      const mean = this.running.get(`${name}/mean`)!;
      const variance = this.running.get(`${name}/variance`)!;
      return tf.batchNorm(x, mean, variance, this.p(`${name}/beta`), this.p(`${name}/gamma`), 1e-5);
    }
    return this.batchNorm(x, this.p(`${name}/gamma`) as tf.Tensor1D, this.p(`${name}/beta`) as tf.Tensor1D, 1e-5);
  }

  private convLayer(x: tf.Tensor4D, name: string, stride: 1 | 2, bias: boolean): tf.Tensor4D {
    const w = this.p(`${name}/w`) as tf.Tensor4D;
    const pad = w.shape[0] === 3 ? [[0, 0], [1, 1], [1, 1], [0, 0]] : 'valid';
    const y = tf.conv2d(x, w, stride, pad as 'valid');
    return bias ? tf.add(y, this.p(`${name}/b`)) : y;
  }

  private reluConvBn(x: tf.Tensor4D, name: string, stride: 1 | 2, bias: boolean): tf.Tensor4D {
    return this.norm(this.convLayer(tf.relu(x), name, stride, bias), `${name}/bn`);
  }

  /** Logits [batch, 10] for NHWC images; batch statistics when training, running ones else. */
  forward(images: tf.Tensor4D, training = true): tf.Tensor2D {
    this.training = training;
    const ops = this.ops();
    let x = this.norm(this.convLayer(images, 'stem', 1, true), 'stem/bn');
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        const a = this.reluConvBn(x, `red${stage}/a`, 2, true);
        const b = this.reluConvBn(a, `red${stage}/b`, 1, true);
        const pooled = tf.avgPool(x, 2, 2, 'valid');
        x = tf.add(b, this.convLayer(pooled, `red${stage}/short`, 1, true));
      }
      for (let cell = 0; cell < this.shape.cellsPerStage; cell++) {
        const nodes: tf.Tensor4D[] = [x];
        for (let to = 1; to <= 3; to++) {
          let sum: tf.Tensor4D | null = null;
          EDGES.forEach(([from, edgeTo], e) => {
            if (edgeTo !== to || ops[e] === 3) return;
            const input = nodes[from];
            const y =
              ops[e] === 0
                ? this.reluConvBn(input, `s${stage}c${cell}e${e}`, 1, false)
                : ops[e] === 1
                  ? tf.avgPool(tf.pad(input, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 1, 'valid')
                  : input;
            sum = sum === null ? y : tf.add(sum, y);
          });
          nodes.push(sum ?? tf.zerosLike(x));
        }
        x = nodes[3];
      }
    }
    const h = tf.relu(this.norm(x, 'head/bn'));
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, this.p('head/w')), this.p('head/b'));
  }

  /** One SGD step (lr, momentum 0.9, Nesterov, weight decay 5e-4); returns the loss value. */
  trainStep(images: tf.Tensor4D, labels: tf.Tensor2D, lr: number): number {
    const loss = tf.tidy(() => {
      const vars = [...this.params.values()];
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, this.forward(images)) as tf.Scalar,
        vars,
      );
      for (const [name, param] of this.params) {
        const v = this.velocity.get(name)!;
        const g = tf.add(grads[name], tf.mul(param, 5e-4));
        const vNew = tf.add(tf.mul(v, 0.9), g);
        v.assign(vNew);
        param.assign(tf.sub(param, tf.mul(tf.add(g, tf.mul(vNew, 0.9)), lr)));
      }
      return value;
    });
    const out = loss.dataSync()[0];
    loss.dispose();
    return out;
  }

  /** Releases every variable. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const v of this.velocity.values()) v.dispose();
    for (const v of this.running.values()) v.dispose();
  }
}

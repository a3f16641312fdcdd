import { type CellCode, parseCellCode } from './cell-code.js';
import { InvalidArgumentError } from './errors.js';
import { OP_CONV } from './operations.js';

/** Macro shape of the network; the paper's values are the defaults. */
export interface NetworkShape {
  /** Channels of the stem and the first stage, integer ≥ 1; default 16. */
  readonly stemChannels?: number;
  /** Identical cells per stage, integer ≥ 1; default 5. */
  readonly cellsPerStage?: number;
  /** Number of stages, channels doubling between them, integer ≥ 1; default 3. */
  readonly stageCount?: number;
  /** Height and width of the square input in pixels, divisible by 2^(stages-1); default 32. */
  readonly inputSize?: number;
  /** Input channels; default 3. */
  readonly inputChannels?: number;
  /** Number of output classes; default 10. */
  readonly classCount?: number;
}

/** The paper's network shape (SPEC section 3). */
export const PAPER_NETWORK_SHAPE: Required<NetworkShape> = {
  stemChannels: 16,
  cellsPerStage: 5,
  stageCount: 3,
  inputSize: 32,
  inputChannels: 3,
  classCount: 10,
};

/** Analytic size and compute of a network. */
export interface NetworkCost {
  /** Trainable parameters (weights, biases, batch-norm scales and shifts), as PyTorch counts them. */
  readonly parameters: number;
  /**
   * Forward multiply-accumulates of all convolutions and the linear layer for one image,
   * the "FLOPs" convention of thop and NAS-Bench-201 (biases, batch norm, pooling not counted).
   */
  readonly flops: number;
}

function resolveShape(shape: NetworkShape): Required<NetworkShape> {
  const full = { ...PAPER_NETWORK_SHAPE, ...shape };
  for (const [name, value] of Object.entries(full)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError('search-space', name, value, 'integers ≥ 1');
    }
  }
  const divisor = 2 ** (full.stageCount - 1);
  if (full.inputSize % divisor !== 0) {
    const allowed = `multiples of ${divisor} for ${full.stageCount} stages`;
    throw new InvalidArgumentError('search-space', 'inputSize', full.inputSize, allowed);
  }
  return full;
}

/**
 * Parameter count and forward FLOPs of the paper's network for a cell (SPEC section 3).
 * Every convolution edge is counted, also one whose output cannot reach the cell output,
 * because the network still holds and runs it.
 */
export function networkCost(code: CellCode, shape: NetworkShape = {}): NetworkCost {
  const s = resolveShape(shape);
  const convEdges = parseCellCode(code).filter((digit) => digit === OP_CONV).length;

  let parameters = 9 * s.inputChannels * s.stemChannels + s.stemChannels + 2 * s.stemChannels;
  let flops = s.inputSize ** 2 * 9 * s.inputChannels * s.stemChannels;
  let channels = s.stemChannels;
  let size = s.inputSize;

  for (let stage = 0; stage < s.stageCount; stage++) {
    if (stage > 0) {
      const out = 2 * channels;
      size /= 2;
      // Residual reduction block: two ReLU-conv-BN with bias, plus pool + 1×1 conv shortcut.
      parameters += 9 * channels * out + out + 2 * out;
      parameters += 9 * out * out + out + 2 * out;
      parameters += channels * out + out;
      flops += size ** 2 * (9 * channels * out + 9 * out * out + channels * out);
      channels = out;
    }
    parameters += s.cellsPerStage * convEdges * (9 * channels * channels + 2 * channels);
    flops += s.cellsPerStage * convEdges * size ** 2 * 9 * channels * channels;
  }

  parameters += 2 * channels + channels * s.classCount + s.classCount;
  flops += channels * s.classCount;
  return { parameters, flops };
}

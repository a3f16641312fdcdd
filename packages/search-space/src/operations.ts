/** Digit of an operation on a cell edge: 0 conv, 1 average pool, 2 skip, 3 zero. */
export type OpDigit = 0 | 1 | 2 | 3;

/** Names of the four operations, indexed by digit. */
export const OPERATION_NAMES = ['conv3x3', 'avgpool3x3', 'skip', 'zero'] as const;

/** Name of an operation. */
export type OperationName = (typeof OPERATION_NAMES)[number];

/** ReLU → 3×3 convolution (stride 1, padding 1, no bias) → batch norm. */
export const OP_CONV: OpDigit = 0;
/** 3×3 average pooling, stride 1, padding 1, zero padding counted in the average. */
export const OP_AVG_POOL: OpDigit = 1;
/** Identity. */
export const OP_SKIP: OpDigit = 2;
/** Contributes nothing (the edge is absent). */
export const OP_ZERO: OpDigit = 3;

/** Number of cell nodes: 0 is the input, 3 the output. */
export const NODE_COUNT = 4;

/** The six edges `[from, to]` in the fixed order of a cell code: 0→1, 0→2, 1→2, 0→3, 1→3, 2→3. */
export const EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

/** Number of edges in a cell. */
export const EDGE_COUNT = 6;

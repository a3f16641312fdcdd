import { type CellCode, parseCellCode } from './cell-code.js';
import { EDGES, NODE_COUNT, OP_ZERO } from './operations.js';

/** Length of `oneHotEncoding`: 6 edges × 4 operations. */
export const ONE_HOT_LENGTH = 24;

/** One-hot encoding of a cell: entry `edge * 4 + digit` is 1, the rest 0 (24 values). */
export function oneHotEncoding(code: CellCode): Float64Array {
  const ops = parseCellCode(code);
  const result = new Float64Array(ONE_HOT_LENGTH);
  ops.forEach((digit, edge) => {
    result[edge * 4 + digit] = 1;
  });
  return result;
}

/**
 * Adjacency of the cell DAG as a 4 × 4 matrix: entry [from][to] is the operation digit + 1 of
 * that edge, or 0 where there is no edge or the edge is the zero operation.
 */
export function adjacencyMatrix(code: CellCode): number[][] {
  const ops = parseCellCode(code);
  const matrix = Array.from({ length: NODE_COUNT }, () => new Array<number>(NODE_COUNT).fill(0));
  EDGES.forEach(([from, to], edge) => {
    if (ops[edge] !== OP_ZERO) matrix[from][to] = ops[edge] + 1;
  });
  return matrix;
}

/** The four input-to-output paths of the cell, as lists of edge positions. */
export const CELL_PATHS: readonly (readonly number[])[] = [
  [3], // 0→3
  [0, 4], // 0→1→3
  [1, 5], // 0→2→3
  [0, 2, 5], // 0→1→2→3
];

/** Length of `pathEncoding`: 3 + 9 + 9 + 27 operation sequences over the four paths. */
export const PATH_ENCODING_LENGTH = 48;

/**
 * Path encoding (BANANAS style): one indicator per (path, sequence of non-zero operations along
 * it); a path is present when none of its edges is the zero operation. 48 values.
 */
export function pathEncoding(code: CellCode): Float64Array {
  const ops = parseCellCode(code);
  const result = new Float64Array(PATH_ENCODING_LENGTH);
  let offset = 0;
  for (const path of CELL_PATHS) {
    const present = path.every((edge) => ops[edge] !== OP_ZERO);
    if (present) {
      const sequence = path.reduce((index, edge) => index * 3 + ops[edge], 0);
      result[offset + sequence] = 1;
    }
    offset += 3 ** path.length;
  }
  return result;
}

import { describe, expect, it } from 'vitest';
import { adjacencyMatrix, oneHotEncoding, pathEncoding } from './encodings.js';

function ones(values: Float64Array): number[] {
  return [...values.keys()].filter((i) => values[i] === 1);
}

describe('encodings', () => {
  it('one-hot encodes each edge', () => {
    // digits 0,1,0,2,1,0 → positions 0, 4+1, 8+0, 12+2, 16+1, 20+0
    expect(ones(oneHotEncoding('0|10|210'))).toEqual([0, 5, 8, 14, 17, 20]);
  });

  it('draws the adjacency with operation digit + 1', () => {
    expect(adjacencyMatrix('1|23|032')).toEqual([
      [0, 2, 3, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 3],
      [0, 0, 0, 0],
    ]);
  });

  it('marks one sequence per present path', () => {
    // all-skip: paths 0→3 (skip=2 → index 2), 0→1→3 (2,2 → 3 + 8), 0→2→3 (3+9+8), 0→1→2→3 (21+26)
    expect(ones(pathEncoding('2|22|222'))).toEqual([2, 11, 20, 47]);
    // only 0→3 conv: one path, sequence 0
    expect(ones(pathEncoding('3|33|033'))).toEqual([0]);
    expect(ones(pathEncoding('3|33|333'))).toEqual([]);
    // 0→1 pool, 1→2 conv, 2→3 skip: path 0→1→2→3 = (1,0,2) → 21 + 1·9 + 0·3 + 2 = 32
    expect(ones(pathEncoding('1|30|332'))).toEqual([32]);
  });
});

import { InvalidArgumentError } from './errors.js';
import { EDGE_COUNT, type OpDigit } from './operations.js';

/** A cell code string `'A|BC|DEF'`, one digit 0-3 per edge in the order of `EDGES`. */
export type CellCode = string;

/** The six operation digits of a cell, in edge order. */
export type CellOps = readonly OpDigit[];

const CELL_CODE_PATTERN = /^[0-3]\|[0-3]{2}\|[0-3]{3}$/;
const ALLOWED_CODE = "'A|BC|DEF' with each letter a digit 0-3 (0 conv, 1 pool, 2 skip, 3 zero)";

/** Number of distinct cell codes, 4^6. */
export const CELL_CODE_COUNT = 4096;

/** True when `value` is a well-formed cell code. */
export function isCellCode(value: unknown): value is CellCode {
  return typeof value === 'string' && CELL_CODE_PATTERN.test(value);
}

/** Throws an `InvalidArgumentError` quoting `value` unless it is a well-formed cell code. */
export function validateCellCode(value: unknown): CellCode {
  if (!isCellCode(value)) {
    throw new InvalidArgumentError('search-space', 'cellCode', value, ALLOWED_CODE, 'cell code');
  }
  return value;
}

/** Parses `'0|10|210'` into its six operation digits. */
export function parseCellCode(code: string): CellOps {
  validateCellCode(code);
  const digits = code.replaceAll('|', '');
  return Array.from(digits, (ch) => Number(ch) as OpDigit);
}

/** Formats six operation digits as a cell code `'A|BC|DEF'`. */
export function formatCellCode(ops: readonly number[]): CellCode {
  const ok = ops.length === EDGE_COUNT && ops.every((d) => Number.isInteger(d) && d >= 0 && d <= 3);
  if (!ok) {
    const allowed = 'six integers 0-3, one per edge';
    throw new InvalidArgumentError(
      'search-space',
      'ops',
      `[${ops.join(',')}]`,
      allowed,
      'operations',
    );
  }
  return `${ops[0]}|${ops[1]}${ops[2]}|${ops[3]}${ops[4]}${ops[5]}`;
}

/**
 * Position of a code in the official order (codes sorted as strings), 0..4095.
 * Because the separators sit at fixed places, that order is the base-4 number of the digits.
 */
export function cellIndex(code: CellCode): number {
  const ops = parseCellCode(code);
  let index = 0;
  for (const digit of ops) index = index * 4 + digit;
  return index;
}

/** The cell code at a position of the official order, 0..4095. */
export function cellCodeAt(index: number): CellCode {
  if (!Number.isInteger(index) || index < 0 || index >= CELL_CODE_COUNT) {
    throw new InvalidArgumentError('search-space', 'cellIndex', index, 'integers 0..4095');
  }
  const ops: number[] = [];
  let rest = index;
  for (let i = 0; i < EDGE_COUNT; i++) {
    ops.unshift(rest % 4);
    rest = Math.floor(rest / 4);
  }
  return formatCellCode(ops);
}

/** All 4,096 cell codes in the official order (sorted as strings). */
export function allCellCodes(): CellCode[] {
  return Array.from({ length: CELL_CODE_COUNT }, (_, i) => cellCodeAt(i));
}

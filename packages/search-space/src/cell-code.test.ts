import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allCellCodes,
  CELL_CODE_COUNT,
  cellCodeAt,
  cellIndex,
  formatCellCode,
  isCellCode,
  parseCellCode,
  validateCellCode,
} from './cell-code.js';
import { InvalidArgumentError } from './errors.js';

const digits = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 });

describe('cell codes', () => {
  it('parses and formats a known code', () => {
    expect(parseCellCode('0|10|210')).toEqual([0, 1, 0, 2, 1, 0]);
    expect(formatCellCode([3, 2, 1, 0, 1, 2])).toBe('3|21|012');
  });

  it('round-trips every digit sequence (property)', () => {
    fc.assert(
      fc.property(digits, (ops) => {
        expect(parseCellCode(formatCellCode(ops))).toEqual(ops);
      }),
    );
  });

  it('rejects malformed codes with a message quoting them (property)', () => {
    const malformed = fc.string().filter((s) => !/^[0-3]\|[0-3]{2}\|[0-3]{3}$/.test(s));
    fc.assert(
      fc.property(malformed, (text) => {
        expect(isCellCode(text)).toBe(false);
        expect(() => parseCellCode(text)).toThrow(InvalidArgumentError);
        expect(() => parseCellCode(text)).toThrow(`'${text}'`);
      }),
    );
    for (const bad of ['0|00|00', '0|00|0004', '4|00|000', '0-00-000', ' 0|00|000', '0|00|000\n']) {
      expect(() => validateCellCode(bad)).toThrow(/allowed: 'A\|BC\|DEF'/);
    }
    expect(() => validateCellCode(12)).toThrow(InvalidArgumentError);
  });

  it('enumerates 4,096 distinct codes in string order', () => {
    const codes = allCellCodes();
    expect(codes.length).toBe(4096);
    expect(CELL_CODE_COUNT).toBe(4096);
    expect(new Set(codes).size).toBe(4096);
    expect([...codes].sort()).toEqual(codes);
    expect(codes[0]).toBe('0|00|000');
    expect(codes[4095]).toBe('3|33|333');
    // '0|00|010' is the 4th code: digits 000010 in base 4 = 4
    expect(cellIndex('0|00|010')).toBe(4);
  });

  it('maps index to code and back for every code', () => {
    allCellCodes().forEach((code, i) => {
      expect(cellIndex(code)).toBe(i);
      expect(cellCodeAt(i)).toBe(code);
    });
    expect(() => cellCodeAt(4096)).toThrow(/integers 0\.\.4095/);
  });
});

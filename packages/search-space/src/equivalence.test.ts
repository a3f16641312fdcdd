import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allCellCodes, formatCellCode, parseCellCode } from './cell-code.js';
import { CLASS_IDS_BASE36 } from './data/class-ids.js';
import { OFFICIAL_LONG_RUN_CELLS } from './data/official-long-run-cells.js';
import { OFFICIAL_REPRESENTATIVES } from './data/official-representatives.js';
import {
  areEquivalent,
  CELL_CLASS_COUNT,
  canonicalForm,
  cellClasses,
  cellClassOf,
  classIdsByCellIndex,
  computeClassIds,
  decodeClassIds,
  encodeClassIds,
  representativeOf,
} from './equivalence.js';

function yamlCodes(file: string): string[] {
  const text = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
  return [...text.matchAll(/'([0-3]\|[0-3]{2}\|[0-3]{3})'/g)].map((m) => m[1]);
}

/** Swaps cell nodes 1 and 2; only meaningful when the edge 1→2 is the zero operation. */
function swapNodes12(code: string): string {
  const [e01, e02, e12, e03, e13, e23] = parseCellCode(code);
  return formatCellCode([e02, e01, e12, e03, e23, e13]);
}

describe('equivalence classes', () => {
  it('embeds exactly the YAML lists shipped as package data', () => {
    expect(OFFICIAL_REPRESENTATIVES).toEqual(yamlCodes('acml12-cellcodes.yaml'));
    expect(OFFICIAL_LONG_RUN_CELLS).toEqual(yamlCodes('acml200-cellcodes.yaml'));
  });

  it('partitions the 4,096 codes into 1,011 classes, one official representative in each', () => {
    const classes = cellClasses();
    expect(classes.length).toBe(1011);
    expect(CELL_CLASS_COUNT).toBe(1011);
    const members = classes.flatMap((c) => c.members);
    expect(members.length).toBe(4096);
    expect(new Set(members).size).toBe(4096);

    const official = new Set(OFFICIAL_REPRESENTATIVES);
    expect(official.size).toBe(1011);
    const repClassIds = OFFICIAL_REPRESENTATIVES.map((code) => cellClassOf(code).id);
    expect(new Set(repClassIds).size).toBe(1011);
    for (const cls of classes) {
      expect(cls.members.filter((m) => official.has(m))).toEqual([cls.representative]);
    }
  });

  it('gives stable ids in the string order of the representatives', () => {
    const sorted = [...OFFICIAL_REPRESENTATIVES].sort();
    cellClasses().forEach((cls, id) => {
      expect(cls.id).toBe(id);
      expect(cls.representative).toBe(sorted[id]);
    });
  });

  it('is closed under swapping nodes 1 and 2 where the graph allows it', () => {
    const swappable = allCellCodes().filter((code) => parseCellCode(code)[2] === 3);
    expect(swappable.length).toBe(1024);
    for (const code of swappable) expect(areEquivalent(code, swapNodes12(code))).toBe(true);
  });

  it('decides hand-worked cases', () => {
    // output = conv(input) in all three: direct edge, conv then skip via node 1, via node 2
    expect(areEquivalent('3|33|033', '0|33|323')).toBe(true);
    expect(areEquivalent('3|33|033', '3|03|332')).toBe(true);
    // output = input vs output = 2 × input: parallel skip paths keep their multiplicity
    expect(areEquivalent('3|33|233', '2|33|323')).toBe(true);
    expect(areEquivalent('3|33|233', '2|33|223')).toBe(false);
    // conv then pool is not pool then conv
    expect(areEquivalent('0|33|313', '1|33|303')).toBe(false);
    // an edge off every input-to-output path changes nothing: 1→2 conv dangles when 2→3 is zero
    expect(areEquivalent('0|30|303', '0|33|303')).toBe(true);
  });

  it('puts every code with no input-to-output path into one zero-output class', () => {
    const zero = cellClassOf('3|33|333');
    expect(canonicalForm('0|00|333')).toBe('zero-output');
    expect(cellClassOf('0|00|333').id).toBe(zero.id);
    // a conv 0→1 and a skip 1→2 lead nowhere without an edge into node 3
    expect(representativeOf('0|32|333')).toBe(zero.representative);
    expect(zero.members.every((m) => canonicalForm(m) === 'zero-output')).toBe(true);
  });

  it('assigns equal canonical forms within a class and different ones across (property)', () => {
    const code = fc
      .array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 })
      .map(formatCellCode);
    fc.assert(
      fc.property(code, code, (a, b) => {
        expect(canonicalForm(a) === canonicalForm(b)).toBe(cellClassOf(a).id === cellClassOf(b).id);
      }),
    );
  });
});

describe('the precomputed class table', () => {
  it('equals a fresh canonicalization of all 4,096 codes (regenerate with scripts/gen-class-ids.ts)', () => {
    const fresh = computeClassIds();
    expect(fresh).toHaveLength(4096);
    expect(decodeClassIds(CLASS_IDS_BASE36)).toEqual(fresh);
    expect(classIdsByCellIndex()).toEqual(fresh);
    expect(decodeClassIds(encodeClassIds(fresh))).toEqual(fresh);
    expect(new Set(fresh).size).toBe(1011);
  });
});

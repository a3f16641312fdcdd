import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCifarRecords } from './cifar10.js';
import {
  isOfficialOrder,
  parseOfficialSplit,
  prepareData,
  stratifiedSplit,
} from './prepare-data.js';
import { LITE_PROTOCOL, PAPER_PROTOCOL } from './protocol.js';
import { cifarBatchFile } from './test-helpers.js';

const OFFICIAL_FIRST_LABELS = [6, 9, 9, 4, 1, 1, 2, 7, 8, 3];

function fixtureCifar(trainCount: number, testCount: number, officialLabels = false) {
  const train = decodeCifarRecords([{ name: 'train', data: cifarBatchFile(trainCount, 0) }], null);
  if (officialLabels) train.labels.set(OFFICIAL_FIRST_LABELS);
  const test = decodeCifarRecords([{ name: 'test', data: cifarBatchFile(testCount, 0) }], null);
  return { train, test };
}

describe('stratifiedSplit', () => {
  it('deals disjoint, class-balanced parts, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 5 }), (seed, k) => {
        const labels = Uint8Array.from({ length: 200 }, (_, i) => i % 10);
        const [a, b] = stratifiedSplit(labels, [10 * k, 10 * (10 - k)], seed);
        expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
        for (let c = 0; c < 10; c++) {
          expect(a.filter((i) => labels[i] === c).length).toBe(k);
          expect(b.filter((i) => labels[i] === c).length).toBe(10 - k);
        }
        expect(stratifiedSplit(labels, [10 * k, 10 * (10 - k)], seed)[0]).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects sizes that are not multiples of the class count or do not fit', () => {
    const labels = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
    expect(() => stratifiedSplit(labels, [15], 0)).toThrow(/sizes '15' is not valid/);
    expect(() => stratifiedSplit(labels, [60, 50], 0)).toThrow(/at most 100/);
  });
});

describe('prepareData', () => {
  const tiny = {
    ...LITE_PROTOCOL,
    trainImages: 40,
    validImages: 20,
    testImages: 10,
    downsampleFactor: 4,
    imageSize: 8,
  };

  it('uses a seeded stratified split on data not in the official order and records it', () => {
    const data = prepareData(fixtureCifar(100, 30), {
      ...tiny,
      name: 'paper',
      split: PAPER_PROTOCOL.split,
      splitKind: 'official',
    });
    expect(data.protocol.splitKind).toBe('stratified');
    expect(data.protocol.split).toMatch(/seeded stratified, seed 0.*split\.yaml does not apply/);
    expect(data.protocol.dataSource).toMatch(/not in the official order/);
    expect([data.train.count, data.valid.count, data.test.count]).toEqual([40, 20, 10]);
    expect(data.train.size).toBe(8);
    expect(data.train.pixels.length).toBe(40 * 3 * 64);
  });

  it("uses the authors' indices on data in the official order", () => {
    const cifar = fixtureCifar(100, 30, true);
    expect(isOfficialOrder(cifar.train)).toBe(true);
    const officialSplit = { train: [5, 1, 7, 3], valid: [0, 2] };
    const protocol = { ...PAPER_PROTOCOL, trainImages: 4, validImages: 2, testImages: 30 };
    const data = prepareData(cifar, protocol, { officialSplit });
    expect(data.protocol.splitKind).toBe('official');
    expect(Array.from(data.train.labels)).toEqual([5, 1, 7, 3].map((i) => cifar.train.labels[i]));
    expect(data.test.count).toBe(30);
  });
});

describe('parseOfficialSplit', () => {
  it('reads the shipped split.yaml: 25,000 + 25,000 disjoint indices covering 0..49,999', () => {
    const text = readFileSync(new URL('../data/split.yaml', import.meta.url), 'utf8');
    const split = parseOfficialSplit(text);
    expect(split.train.length).toBe(25_000);
    expect(split.valid.length).toBe(25_000);
    const all = new Set([...split.train, ...split.valid]);
    expect(all.size).toBe(50_000);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(49_999);
  });
});

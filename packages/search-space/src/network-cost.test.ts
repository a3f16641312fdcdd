import { describe, expect, it } from 'vitest';
import { parseCellCode } from './cell-code.js';
import { type NetworkShape, networkCost } from './network-cost.js';

/** A module of the network, described only by its tensor shapes, as PyTorch would hold them. */
type Layer =
  | { kind: 'conv'; inC: number; outC: number; k: number; stride: number; bias: boolean }
  | { kind: 'bn'; c: number }
  | { kind: 'linear'; inF: number; outF: number };

/** Builds the paper's network module by module (SPEC section 3), independent of the formula. */
function buildLayers(code: string, stem: number, cellsPerStage: number): Layer[][] {
  const ops = parseCellCode(code);
  const stages: Layer[][] = [];
  const stemLayers: Layer[] = [
    { kind: 'conv', inC: 3, outC: stem, k: 3, stride: 1, bias: true },
    { kind: 'bn', c: stem },
  ];
  stages.push(stemLayers);
  let c = stem;
  for (let stage = 0; stage < 3; stage++) {
    const layers: Layer[] = [];
    if (stage > 0) {
      layers.push({ kind: 'conv', inC: c, outC: 2 * c, k: 3, stride: 2, bias: true });
      layers.push({ kind: 'bn', c: 2 * c });
      layers.push({ kind: 'conv', inC: 2 * c, outC: 2 * c, k: 3, stride: 1, bias: true });
      layers.push({ kind: 'bn', c: 2 * c });
      layers.push({ kind: 'conv', inC: c, outC: 2 * c, k: 1, stride: 1, bias: true });
      c *= 2;
    }
    for (let cell = 0; cell < cellsPerStage; cell++) {
      for (const op of ops) {
        if (op !== 0) continue;
        layers.push({ kind: 'conv', inC: c, outC: c, k: 3, stride: 1, bias: false });
        layers.push({ kind: 'bn', c });
      }
    }
    stages.push(layers);
  }
  stages.push([
    { kind: 'bn', c },
    { kind: 'linear', inF: c, outF: 10 },
  ]);
  return stages;
}

function tensorShapes(layer: Layer): number[][] {
  if (layer.kind === 'conv') {
    const weight = [layer.outC, layer.inC, layer.k, layer.k];
    return layer.bias ? [weight, [layer.outC]] : [weight];
  }
  if (layer.kind === 'bn') return [[layer.c], [layer.c]];
  return [[layer.outF, layer.inF], [layer.outF]];
}

function countParameters(stages: Layer[][]): number {
  const shapes = stages.flat().flatMap(tensorShapes);
  return shapes.reduce((sum, shape) => sum + shape.reduce((p, d) => p * d, 1), 0);
}

describe('networkCost', () => {
  const paperCells = ['0|00|000', '1|22|122', '2|22|222', '0|10|210', '3|33|333'];

  it.each(paperCells)('counts the parameters of the layer-by-layer network for %s', (code) => {
    expect(networkCost(code).parameters).toBe(countParameters(buildLayers(code, 16, 5)));
  });

  it('matches hand-worked totals', () => {
    // stem 480 + reduction 16→32: 14,560 + reduction 32→64: 57,792 + head 778
    expect(networkCost('2|22|222').parameters).toBe(73_610);
    // plus 6 convs per cell × 5 cells at 16, 32, 64 channels: 6·5·(9c²+2c)
    const convs = [16, 32, 64].reduce((s, c) => s + 30 * (9 * c * c + 2 * c), 0);
    expect(networkCost('0|00|000').parameters).toBe(73_610 + convs);
  });

  it('scales with a reduced shape', () => {
    const shape: NetworkShape = { stemChannels: 8, cellsPerStage: 1, inputSize: 16 };
    for (const code of paperCells) {
      expect(networkCost(code, shape).parameters).toBe(countParameters(buildLayers(code, 8, 1)));
    }
  });

  it('counts forward multiply-accumulates by hand for the all-skip cell', () => {
    // stem 32²·27·16; red1 at 16²: 9·16·32 + 9·32·32 + 16·32; red2 at 8²: 9·32·64 + 9·64·64 + 32·64
    const stem = 1024 * 27 * 16;
    const red1 = 256 * (9 * 16 * 32 + 9 * 32 * 32 + 16 * 32);
    const red2 = 64 * (9 * 32 * 64 + 9 * 64 * 64 + 32 * 64);
    expect(networkCost('2|22|222').flops).toBe(stem + red1 + red2 + 640);
    // each conv edge adds 5 cells × H² · 9c² per stage
    const perConv = 5 * (1024 * 9 * 256 + 256 * 9 * 1024 + 64 * 9 * 4096);
    expect(networkCost('3|33|033').flops).toBe(stem + red1 + red2 + 640 + perConv);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => networkCost('0|00|000', { inputSize: 30 })).toThrow(/inputSize 30/);
    expect(() => networkCost('0|00|000', { stemChannels: 0 })).toThrow(/stemChannels 0/);
  });
});

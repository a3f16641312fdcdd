import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';
import * as Plot from '@observablehq/plot';
import type { GridPoint } from './cell-grid.js';

/** Text of a heatmap cell's tooltip; the browser tests read the value back from it. */
export function gridPointTitle(point: GridPoint, what: string): string {
  if (Number.isNaN(point.accuracyPct)) return `lr ${point.lr}, batch ${point.batchSize}: no data`;
  const origin = point.measured ? 'measured' : 'predicted';
  return `lr ${point.lr}, batch ${point.batchSize}: ${what} ${point.accuracyPct.toFixed(3)} % (${origin})`;
}

/** Options of `gridHeatmap`. */
export interface GridHeatmapOptions {
  /** Legend label, for example `12-epoch valid accuracy (%)`. */
  readonly label: string;
  /** Short name of the value in tooltips, for example `valid`. */
  readonly what: string;
  /** Grid point drawn with a thick outline (the one the learning curves show). */
  readonly selected?: { lr: number; batchSize: number };
}

/**
 * An 8 × 6 heatmap (rows: learning rate, columns: batch size) with the value printed in each
 * cell; predicted values carry an asterisk and a dashed outline so they read apart from measured.
 */
export function gridHeatmap(
  points: readonly GridPoint[],
  options: GridHeatmapOptions,
): SVGSVGElement | HTMLElement {
  const present = points.filter((p) => !Number.isNaN(p.accuracyPct));
  const predicted = present.filter((p) => !p.measured);
  const values = present.map((p) => p.accuracyPct);
  const low = Math.min(...values);
  const span = Math.max(...values) - low || 1;
  // Viridis is dark at the low end and light at the high end.
  const ink = (p: GridPoint) => ((p.accuracyPct - low) / span > 0.6 ? '#111' : '#fff');
  const selected = points.filter(
    (p) => p.lr === options.selected?.lr && p.batchSize === options.selected?.batchSize,
  );
  return Plot.plot({
    width: 390,
    height: 330,
    marginLeft: 62,
    padding: 0.04,
    x: { type: 'band', domain: [...BATCH_SIZES], label: 'batch size' },
    y: {
      type: 'band',
      domain: [...LEARNING_RATES].reverse(),
      label: 'learning rate',
      tickFormat: String,
    },
    color: { type: 'linear', scheme: 'viridis', legend: true, label: options.label },
    marks: [
      Plot.cell(points, {
        x: 'batchSize',
        y: 'lr',
        fill: (p: GridPoint) => (Number.isNaN(p.accuracyPct) ? null : p.accuracyPct),
        title: (p: GridPoint) => gridPointTitle(p, options.what),
        inset: 0.5,
      }),
      Plot.cell(predicted, {
        x: 'batchSize',
        y: 'lr',
        stroke: '#fff',
        strokeDasharray: '3 2',
        inset: 3,
      }),
      Plot.cell(selected, { x: 'batchSize', y: 'lr', stroke: '#e41a1c', strokeWidth: 3 }),
      Plot.text(present, {
        x: 'batchSize',
        y: 'lr',
        text: (p: GridPoint) => `${p.accuracyPct.toFixed(1)}${p.measured ? '' : '*'}`,
        fill: ink,
        fontSize: 10,
        pointerEvents: 'none',
      }),
    ],
  });
}

/** The grid point a click on a heatmap cell names, read from the cell's tooltip; undefined elsewhere. */
export function gridPointAt(
  target: EventTarget | null,
): { lr: number; batchSize: number } | undefined {
  if (!(target instanceof Element)) return undefined;
  const title = target.querySelector('title')?.textContent ?? '';
  const match = /^lr ([0-9.e-]+), batch (\d+):/.exec(title);
  return match ? { lr: Number(match[1]), batchSize: Number(match[2]) } : undefined;
}

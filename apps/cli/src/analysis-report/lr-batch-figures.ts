import { settingAt, type TableAnalysis } from '@nashpobench2/dataset';
import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';
import { CONFIG, type FigureSpec, facetBy, round, SCHEMA, tableTag } from './figure-common.js';

/** Batch size the lr / batch-size ratio is expressed at, 256 (the usual reference of the rule). */
const REFERENCE_BATCH = 256;

/** Ticks of the ratio axis: grid learning rates four times apart (the ratios are lr-grid values × 2^k). */
const RATIO_TICKS = [0.0015625, 0.00625, 0.025, 0.1, 0.4, 1.6, 6.4];

/** Panel label of a table in the lr / batch-size figures. */
function panel(table: TableAnalysis): string {
  return `${tableTag(table)}, top ${table.lrBatch?.architectures.length}`;
}

/** Panel label with the fitted slope, for the best-lr figure. */
function slopePanel(table: TableAnalysis): string {
  const r = table.lrBatch;
  if (!r || !Number.isFinite(r.slope)) return panel(table);
  return `${panel(table)}: slope ${r.slope.toFixed(2)} ± ${r.slopeStandardError.toFixed(2)}`;
}

const lrAxisScale = { type: 'log', base: 2, domain: [0.0025, 0.5], nice: false };
const batchColor = {
  field: 'batchSize',
  type: 'ordinal',
  title: 'batch size',
  sort: BATCH_SIZES,
  scale: { scheme: 'viridis' },
};

/** Mean accuracy of the top architectures against lr, one line per batch size. */
export function lrBatchCurves(tables: TableAnalysis[]): FigureSpec {
  const values = tables.flatMap((table) =>
    (table.lrBatch?.meanGrid ?? []).map((accuracy, s) => ({
      table: panel(table),
      lr: settingAt(s).lr,
      batchSize: settingAt(s).batchSize,
      accuracy: round(accuracy),
    })),
  );
  return {
    name: 'lr-batch-relation',
    caption:
      'Mean accuracy of the top architectures against the learning rate, one line per batch size; under the linear scaling rule the peak moves right by one lr step per doubling of the batch size.',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { column: facetBy('table', tables.map(panel)) },
      spec: {
        width: 300,
        height: 240,
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'lr',
            type: 'quantitative',
            scale: lrAxisScale,
            axis: { values: LEARNING_RATES, labelAngle: -45, labelOverlap: false },
            title: 'learning rate',
          },
          y: {
            field: 'accuracy',
            type: 'quantitative',
            scale: { zero: false },
            title: 'accuracy (%)',
          },
          color: batchColor,
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

/** The same curves against lr × 256 / batch size: they peak together under linear scaling. */
export function lrRatioCurves(tables: TableAnalysis[]): FigureSpec {
  const values = tables.flatMap((table) =>
    (table.lrBatch?.meanGrid ?? []).map((accuracy, s) => ({
      table: panel(table),
      ratio: (settingAt(s).lr * REFERENCE_BATCH) / settingAt(s).batchSize,
      batchSize: settingAt(s).batchSize,
      accuracy: round(accuracy),
    })),
  );
  return {
    name: 'lr-batch-ratio',
    caption: `Mean accuracy of the top architectures against lr × ${REFERENCE_BATCH} / batch size (the learning rate the linear scaling rule maps each setting to at batch size ${REFERENCE_BATCH}); under the rule the curves of all batch sizes peak at the same place.`,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { column: facetBy('table', tables.map(panel)) },
      spec: {
        width: 300,
        height: 240,
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'ratio',
            type: 'quantitative',
            scale: { type: 'log', base: 2, nice: false },
            axis: { values: RATIO_TICKS, format: '~g', labelAngle: -45, labelOverlap: false },
            title: `lr × ${REFERENCE_BATCH} / batch size`,
          },
          y: {
            field: 'accuracy',
            type: 'quantitative',
            scale: { zero: false },
            title: 'accuracy (%)',
          },
          color: batchColor,
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

/** Best lr per (top architecture, batch size), with the fitted line and the linear-scaling line. */
export function bestLrScatter(tables: TableAnalysis[]): FigureSpec {
  const values: Record<string, unknown>[] = [];
  const smallest = BATCH_SIZES[0];
  const largest = BATCH_SIZES.at(-1) ?? smallest;
  for (const table of tables) {
    const r = table.lrBatch;
    if (!r) continue;
    const label = slopePanel(table);
    r.bestLr.forEach((row) => {
      row.forEach((lr, b) => {
        values.push({ table: label, kind: 'best', batchSize: BATCH_SIZES[b], lr });
      });
    });
    if (!Number.isFinite(r.slope)) continue;
    // Both lines pass through the centroid of the points: every batch size counts equally.
    const centreX =
      BATCH_SIZES.reduce((sum, size) => sum + Math.log2(size), 0) / BATCH_SIZES.length;
    const centreY = r.intercept + r.slope * centreX;
    for (const batchSize of [smallest, largest]) {
      const x = Math.log2(batchSize);
      values.push({
        table: label,
        kind: 'line',
        line: 'least-squares fit',
        batchSize,
        lr: 2 ** (r.intercept + r.slope * x),
      });
      values.push({
        table: label,
        kind: 'line',
        line: 'linear scaling (slope 1)',
        batchSize,
        lr: 2 ** (centreY + (x - centreX)),
      });
    }
  }

  const x = {
    field: 'batchSize',
    type: 'quantitative',
    scale: { type: 'log', base: 2, domain: [12, 680], nice: false },
    axis: { values: BATCH_SIZES, labelOverlap: false },
    title: 'batch size',
  };
  const y = {
    field: 'lr',
    type: 'quantitative',
    scale: lrAxisScale,
    axis: { values: LEARNING_RATES, labelOverlap: false },
    title: 'best learning rate',
  };
  return {
    name: 'best-lr-by-batch-size',
    caption:
      'Best learning rate of each top architecture at each batch size (point size: architectures), the least-squares line on log-log axes and, through the same centre, the slope-1 line of the linear scaling rule.',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { column: facetBy('table', tables.map(slopePanel)) },
      spacing: 30,
      spec: {
        width: 300,
        height: 240,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'line'" }],
            mark: { type: 'line', clip: true, strokeWidth: 1.5 },
            encoding: {
              x,
              y,
              detail: { field: 'line' },
              strokeDash: {
                field: 'line',
                type: 'nominal',
                title: null,
                legend: { labelLimit: 300, symbolSize: 300 },
              },
              color: { value: '#555' },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'best'" }],
            mark: { type: 'circle', opacity: 0.75, color: '#4c78a8' },
            encoding: {
              x,
              y,
              size: { aggregate: 'count', type: 'quantitative', title: 'architectures' },
            },
          },
        ],
      },
    },
  };
}

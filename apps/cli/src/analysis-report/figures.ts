import {
  type BenchmarkAnalysis,
  SETTING_COUNT,
  settingAt,
  type TableAnalysis,
} from '@nashpobench2/dataset';
import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';

/** A figure of the report: file stem, caption and its Vega-Lite specification. */
export interface FigureSpec {
  /** File name without extension, kebab-case, for example `'tau-heatmap-12'`. */
  name: string;
  /** One-line caption for the Markdown report. */
  caption: string;
  /** Vega-Lite (v6) specification with inline data. */
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CONFIG = { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: null } };

const settingName = (s: number) => `${settingAt(s).lr} / ${settingAt(s).batchSize}`;
const SETTING_ORDER = Array.from({ length: SETTING_COUNT }, (_, s) => settingName(s));

function round(value: number, digits = 4): number | null {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
}

/** Short name of a table for legends: `'12 epochs'`, `'200 epochs (measured)'`. */
export function tableTag(table: TableAnalysis): string {
  const epochs = table.label.split('-')[0];
  return `${epochs} epochs${table.selection === 'measured' ? ' (measured)' : ''}`;
}

function tauHeatmap(table: TableAnalysis, name: string): FigureSpec {
  const values: Record<string, unknown>[] = [];
  table.correlation.tau.forEach((row, p) => {
    row.forEach((tau, q) => {
      values.push({ a: settingName(p), b: settingName(q), tau: round(tau, 3) });
    });
  });
  const axis = { labelFontSize: 7, title: 'learning rate / batch size' };
  return {
    name,
    caption:
      `Kendall τ between the architecture rankings of every pair of settings (${table.label}` +
      `${table.selection === 'measured' ? ', measured only' : ''}); settings ordered by lr, then batch size.`,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      width: 480,
      height: 480,
      data: { values },
      mark: 'rect',
      encoding: {
        x: { field: 'a', type: 'ordinal', sort: SETTING_ORDER, axis },
        y: { field: 'b', type: 'ordinal', sort: SETTING_ORDER, axis },
        color: {
          field: 'tau',
          type: 'quantitative',
          title: 'Kendall τ',
          scale: { scheme: 'redblue', domain: [-1, 1] },
        },
        tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'tau' }],
      },
    },
  };
}

function tauByDistance(tables: TableAnalysis[], noiseCeiling: number | null): FigureSpec {
  const values = tables.flatMap((table) =>
    table.correlation.byDistance
      .filter((band) => band.pairs > 0)
      .map((band) => ({ table: tableTag(table), steps: band.steps, tau: round(band.meanTau) })),
  );
  const layers: Record<string, unknown>[] = [
    {
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'steps',
          type: 'quantitative',
          title: 'grid steps between settings (lr + batch size)',
        },
        y: { field: 'tau', type: 'quantitative', title: 'mean Kendall τ', scale: { zero: false } },
        color: { field: 'table', type: 'nominal', title: null },
      },
    },
  ];
  if (noiseCeiling !== null && Number.isFinite(noiseCeiling)) {
    layers.push({
      data: { values: [{ tau: round(noiseCeiling), label: 'seed-to-seed τ (12 epochs)' }] },
      layer: [
        {
          mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
          encoding: { y: { field: 'tau', type: 'quantitative' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray', x: 0 },
          encoding: { y: { field: 'tau', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    });
  }
  return {
    name: 'tau-by-distance',
    caption: 'Mean τ between settings as a function of how far apart they are on the grid.',
    spec: { $schema: SCHEMA, config: CONFIG, width: 420, height: 260, layer: layers },
  };
}

function bestSettingHistogram(tables: TableAnalysis[]): FigureSpec {
  const values = tables.flatMap((table) =>
    (table.bestSettings?.histogram ?? []).map((count, s) => ({
      table: `${tableTag(table)}, ${table.bestSettings?.all.architectures} architectures`,
      lr: String(settingAt(s).lr),
      batchSize: String(settingAt(s).batchSize),
      count,
      global: s === table.bestSettings?.globalBestSetting,
    })),
  );
  const encoding = {
    x: { field: 'batchSize', type: 'ordinal', sort: BATCH_SIZES.map(String), title: 'batch size' },
    y: {
      field: 'lr',
      type: 'ordinal',
      sort: LEARNING_RATES.map(String).reverse(),
      title: 'learning rate',
    },
  };
  return {
    name: 'best-setting-histogram',
    caption:
      'How many architectures have each setting as their best; the outlined cell is the best fixed setting (highest mean accuracy).',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { column: { field: 'table', type: 'nominal', title: null } },
      spec: {
        width: 220,
        height: 260,
        encoding,
        layer: [
          {
            mark: 'rect',
            encoding: {
              color: {
                field: 'count',
                type: 'quantitative',
                scale: { scheme: 'blues' },
                title: 'architectures',
              },
              stroke: { condition: { test: 'datum.global', value: 'black' }, value: null },
              strokeWidth: { value: 2 },
            },
          },
          { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'count' } } },
        ],
      },
      resolve: { scale: { color: 'independent' } },
    },
  };
}

function gapDistributions(tables: TableAnalysis[]): FigureSpec {
  const values = tables.flatMap((table) =>
    (table.gap?.strategies ?? []).flatMap((strategy) =>
      strategy.gaps.map((gap) => ({
        table: tableTag(table),
        strategy: strategy.name,
        gap: round(gap),
      })),
    ),
  );
  return {
    name: 'optimization-gap',
    caption:
      'Joint optimum minus what each sequential strategy reaches, over every starting architecture or setting (percent points; 0 = found the joint optimum).',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { row: { field: 'table', type: 'nominal', title: null } },
      spec: {
        width: 420,
        height: 150,
        mark: { type: 'boxplot', extent: 'min-max' },
        encoding: {
          x: { field: 'gap', type: 'quantitative', title: 'gap to the joint optimum (pp)' },
          y: { field: 'strategy', type: 'nominal', title: null },
          color: { field: 'strategy', type: 'nominal', legend: null },
        },
      },
      resolve: { scale: { x: 'independent' } },
    },
  };
}

function proxyDensity(analysis: BenchmarkAnalysis): FigureSpec | null {
  const proxy = analysis.proxy;
  if (!proxy) return null;
  const { bins, shortRange, longRange, counts } = proxy.density;
  const width = (range: [number, number]) => (range[1] - range[0]) / bins;
  const values: Record<string, number>[] = [];
  counts.forEach((count, k) => {
    if (count === 0) return;
    const i = Math.floor(k / bins);
    const j = k % bins;
    values.push({
      s0: shortRange[0] + i * width(shortRange),
      s1: shortRange[0] + (i + 1) * width(shortRange),
      l0: longRange[0] + j * width(longRange),
      l1: longRange[0] + (j + 1) * width(longRange),
      count,
    });
  });
  return {
    name: 'proxy-density',
    caption: `${proxy.shortLabel} against ${proxy.longLabel} over ${proxy.configurations} configurations (count per bin, log scale).`,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      width: 380,
      height: 320,
      data: { values },
      mark: 'rect',
      encoding: {
        x: { field: 's0', type: 'quantitative', title: proxy.shortLabel, scale: { zero: false } },
        x2: { field: 's1' },
        y: { field: 'l0', type: 'quantitative', title: proxy.longLabel, scale: { zero: false } },
        y2: { field: 'l1' },
        color: { field: 'count', type: 'quantitative', scale: { type: 'log', scheme: 'viridis' } },
      },
    },
  };
}

function lrBatchCurves(tables: TableAnalysis[]): FigureSpec {
  const values = tables.flatMap((table) =>
    (table.lrBatch?.meanGrid ?? []).map((accuracy, s) => ({
      table: `${tableTag(table)}, top ${table.lrBatch?.architectures.length}`,
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
      facet: { column: { field: 'table', type: 'nominal', title: null } },
      spec: {
        width: 300,
        height: 240,
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'lr',
            type: 'quantitative',
            scale: { type: 'log', base: 2 },
            title: 'learning rate',
          },
          y: {
            field: 'accuracy',
            type: 'quantitative',
            scale: { zero: false },
            title: 'accuracy (%)',
          },
          color: {
            field: 'batchSize',
            type: 'ordinal',
            title: 'batch size',
            scale: { scheme: 'viridis' },
          },
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

function bestLrScatter(tables: TableAnalysis[]): FigureSpec {
  const values = tables.flatMap((table) =>
    (table.lrBatch?.bestLr ?? []).flatMap((row) =>
      row.map((lr, b) => ({ table: tableTag(table), batchSize: BATCH_SIZES[b], lr })),
    ),
  );
  return {
    name: 'best-lr-by-batch-size',
    caption:
      'Best learning rate of each top architecture at each batch size (point size: architectures); the linear scaling rule predicts a slope of 1 on these log axes.',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { column: { field: 'table', type: 'nominal', title: null } },
      spec: {
        width: 240,
        height: 220,
        mark: { type: 'circle', opacity: 0.8 },
        encoding: {
          x: {
            field: 'batchSize',
            type: 'quantitative',
            scale: { type: 'log', base: 2 },
            title: 'batch size',
          },
          y: {
            field: 'lr',
            type: 'quantitative',
            scale: { type: 'log', base: 2, domain: [LEARNING_RATES[0], LEARNING_RATES.at(-1)] },
            title: 'best learning rate',
          },
          size: { aggregate: 'count', type: 'quantitative', title: 'architectures' },
        },
      },
    },
  };
}

/** The report's figures for an analysis: τ heatmaps, τ by distance, histograms, gaps, proxy, lr. */
export function reportFigures(analysis: BenchmarkAnalysis): FigureSpec[] {
  const tables = [
    analysis.short,
    analysis.shortMeasured,
    analysis.long,
    analysis.longMeasured,
  ].filter((table): table is TableAnalysis => table !== null);
  const withGrid = tables.filter((table) => table.bestSettings !== null);
  const figures: FigureSpec[] = tables.map((table) =>
    tauHeatmap(
      table,
      `tau-heatmap-${tableTag(table)
        .replace(/[^a-z0-9]+/gi, '-')
        .replace(/-$/, '')}`,
    ),
  );
  figures.push(tauByDistance(tables, analysis.seedAgreement?.meanTau ?? null));
  if (withGrid.length > 0) {
    figures.push(bestSettingHistogram(withGrid), gapDistributions(withGrid));
    figures.push(lrBatchCurves(withGrid), bestLrScatter(withGrid));
  }
  const proxy = proxyDensity(analysis);
  if (proxy) figures.push(proxy);
  return figures;
}

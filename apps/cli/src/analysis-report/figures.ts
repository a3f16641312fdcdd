import {
  type BenchmarkAnalysis,
  DISTANT_MIN_STEPS,
  type OptimizationGap,
  SETTING_COUNT,
  settingAt,
  type TableAnalysis,
} from '@nashpobench2/dataset';
import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';
import {
  CONFIG,
  type FigureSpec,
  facetBy,
  round,
  SCHEMA,
  settingName,
  tableTag,
} from './figure-common.js';
import { bestLrScatter, lrBatchCurves, lrRatioCurves } from './lr-batch-figures.js';

export { type FigureSpec, tableTag } from './figure-common.js';

const SETTING_ORDER = Array.from({ length: SETTING_COUNT }, (_, s) => settingName(s));

/** Strategies of the gap figure, in reading order (single-stage, two-stage, iterated). */
const STRATEGY_ORDER = [
  'hpo-only',
  'nas-only',
  'nas-at-best-fixed-setting',
  'hpo-then-nas',
  'nas-then-hpo',
  'alternating',
];

function tauHeatmap(table: TableAnalysis, name: string): FigureSpec {
  const values: Record<string, unknown>[] = [];
  table.correlation.tau.forEach((row, p) => {
    row.forEach((tau, q) => {
      values.push({ a: settingName(p), b: settingName(q), tau: round(tau, 3) });
    });
  });
  const axis = { labelFontSize: 7, title: 'learning rate, batch size' };
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

function tauByDistance(
  tables: TableAnalysis[],
  noiseCeiling: number | null,
  shortEpochs: number,
): FigureSpec {
  const values = tables.flatMap((table) =>
    table.correlation.byDistance
      .filter((band) => band.pairs > 0)
      .map((band) => ({ table: tableTag(table), steps: band.steps, tau: round(band.meanTau) })),
  );
  const x = {
    field: 'steps',
    type: 'quantitative',
    title: 'grid steps between settings (lr steps + batch-size steps)',
    scale: { domain: [1, 12] },
    axis: { values: Array.from({ length: 12 }, (_, k) => k + 1) },
  };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: [{ steps: DISTANT_MIN_STEPS, label: `distant (≥ ${DISTANT_MIN_STEPS}) →` }] },
      layer: [
        { mark: { type: 'rule', color: '#bbb' }, encoding: { x } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, y: 256, color: '#888' },
          encoding: { x, text: { field: 'label' } },
        },
      ],
    },
    {
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x,
        y: { field: 'tau', type: 'quantitative', title: 'mean Kendall τ', scale: { zero: false } },
        color: {
          field: 'table',
          type: 'nominal',
          title: null,
          sort: tables.map(tableTag),
          legend: { labelLimit: 300, orient: 'bottom-left' },
        },
      },
    },
  ];
  if (noiseCeiling !== null && Number.isFinite(noiseCeiling)) {
    const label = `seed-to-seed τ, same setting (${shortEpochs} epochs)`;
    layers.push({
      data: { values: [{ tau: round(noiseCeiling), label }] },
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
    caption: `Mean τ between settings as a function of how far apart they are on the grid (neighbouring: 1 step; distant: ${DISTANT_MIN_STEPS} or more).`,
    spec: { $schema: SCHEMA, config: CONFIG, width: 440, height: 260, layer: layers },
  };
}

function bestSettingHistogram(tables: TableAnalysis[]): FigureSpec {
  const panel = (table: TableAnalysis) =>
    `${tableTag(table)}, ${table.bestSettings?.all.architectures} architectures`;
  const values = tables.flatMap((table) =>
    (table.bestSettings?.histogram ?? []).map((count, s) => ({
      table: panel(table),
      lr: String(settingAt(s).lr),
      batchSize: String(settingAt(s).batchSize),
      count,
      global: s === table.bestSettings?.globalBestSetting,
    })),
  );
  const encoding = {
    x: {
      field: 'batchSize',
      type: 'ordinal',
      sort: BATCH_SIZES.map(String),
      title: 'batch size',
      axis: { labelAngle: 0 },
    },
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
      'How many architectures have each setting as their best (empty: none); the outlined cell is the best fixed setting (highest mean accuracy). Architectures that score the same at every setting are left out.',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: { column: facetBy('table', tables.map(panel)) },
      spec: {
        width: 220,
        height: 260,
        encoding,
        layer: [
          {
            mark: 'rect',
            encoding: {
              color: {
                condition: { test: 'datum.count === 0', value: '#f7f7f7' },
                field: 'count',
                type: 'quantitative',
                scale: { scheme: 'blues', domainMin: 0 },
                title: 'architectures',
              },
              stroke: { condition: { test: 'datum.global', value: 'black' }, value: null },
              strokeWidth: { value: 2 },
            },
          },
          {
            transform: [
              { filter: 'datum.count > 0' },
              {
                joinaggregate: [{ op: 'max', field: 'count', as: 'most' }],
                groupby: ['table'],
              },
            ],
            mark: { type: 'text', fontSize: 9 },
            encoding: {
              text: { field: 'count' },
              color: {
                condition: { test: 'datum.count > 0.6 * datum.most', value: 'white' },
                value: 'black',
              },
            },
          },
        ],
      },
      resolve: { scale: { color: 'independent' } },
    },
  };
}

/** One panel of the gap figure: a label and the gap analysis it shows. */
interface GapPanel {
  panel: string;
  gap: OptimizationGap;
}

/** The gap analyses of an analysis, one per table, then the protocol (choose short, score long). */
export function gapPanels(analysis: BenchmarkAnalysis, tables: TableAnalysis[]): GapPanel[] {
  const panels: GapPanel[] = [];
  for (const table of tables)
    if (table.gap) panels.push({ panel: tableTag(table), gap: table.gap });
  const short = `${analysis.benchmark.shortEpochs}`;
  const long = `${analysis.benchmark.longEpochs}`;
  if (analysis.protocolGap) {
    panels.push({ panel: `chosen at ${short}, scored at ${long}`, gap: analysis.protocolGap });
  }
  if (analysis.protocolGapMeasured) {
    const panel = `chosen at ${short}, scored at ${long} (measured)`;
    panels.push({ panel, gap: analysis.protocolGapMeasured });
  }
  return panels;
}

function gapDistributions(panels: GapPanel[]): FigureSpec {
  const values = panels.flatMap(({ panel, gap }) => {
    const fixed = {
      table: panel,
      strategy: 'nas-at-best-fixed-setting',
      gap: round(gap.gapAtBestFixedSetting),
    };
    const starts = gap.strategies.flatMap((strategy) =>
      strategy.gaps.map((value) => ({
        table: panel,
        strategy: strategy.name,
        gap: round(value),
      })),
    );
    return [...starts, fixed];
  });
  return {
    name: 'optimization-gap',
    caption:
      'Joint choice minus what each sequential strategy reaches, over every starting architecture (each class once) or setting (percent points; 0 = found the joint choice; below 0 = scored better than it at long training); diamonds mark the means; nas-at-best-fixed-setting is a single value.',
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values },
      facet: {
        row: facetBy(
          'table',
          panels.map((p) => p.panel),
          true,
        ),
      },
      spec: {
        width: 420,
        height: 170,
        encoding: {
          y: {
            field: 'strategy',
            type: 'nominal',
            title: null,
            sort: STRATEGY_ORDER,
            axis: { labelLimit: 300 },
          },
        },
        layer: [
          {
            mark: { type: 'boxplot', extent: 'min-max', median: { color: 'black' } },
            encoding: {
              x: { field: 'gap', type: 'quantitative', title: 'gap to the joint choice (pp)' },
              color: { field: 'strategy', type: 'nominal', legend: null, sort: STRATEGY_ORDER },
            },
          },
          {
            mark: { type: 'point', shape: 'diamond', filled: true, color: 'black', size: 40 },
            encoding: { x: { aggregate: 'mean', field: 'gap', type: 'quantitative' } },
          },
        ],
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
        x: {
          field: 's0',
          type: 'quantitative',
          title: `${proxy.shortLabel} (%)`,
          scale: { zero: false },
        },
        x2: { field: 's1' },
        y: {
          field: 'l0',
          type: 'quantitative',
          title: `${proxy.longLabel} (%)`,
          scale: { zero: false },
        },
        y2: { field: 'l1' },
        color: {
          field: 'count',
          type: 'quantitative',
          title: 'configurations',
          scale: { type: 'log', scheme: 'viridis' },
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
  const figures: FigureSpec[] = tables.map((table) =>
    tauHeatmap(
      table,
      `tau-heatmap-${tableTag(table)
        .replace(/[^a-z0-9]+/gi, '-')
        .replace(/-$/, '')}`,
    ),
  );
  const ceiling = analysis.seedAgreement?.meanTau ?? null;
  figures.push(tauByDistance(tables, ceiling, analysis.benchmark.shortEpochs));
  const withBest = tables.filter((table) => table.bestSettings !== null);
  const panels = gapPanels(analysis, tables);
  const withLr = tables.filter((table) => table.lrBatch !== null);
  if (withBest.length > 0) figures.push(bestSettingHistogram(withBest));
  if (panels.length > 0) figures.push(gapDistributions(panels));
  const proxy = proxyDensity(analysis);
  if (proxy) figures.push(proxy);
  if (withLr.length > 0) {
    figures.push(lrBatchCurves(withLr), lrRatioCurves(withLr), bestLrScatter(withLr));
  }
  return figures;
}

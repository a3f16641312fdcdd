import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ExperimentResult } from './experiment.js';
import { type ExperimentSummary, finalValues } from './statistics.js';

/** Which anytime statistic a curve shows. */
export type CurveMetric = 'testAccuracyShort' | 'testAccuracyLong' | 'regretShort' | 'regretLong';

const METRIC_TITLES: Record<CurveMetric, string> = {
  testAccuracyShort: 'test accuracy, short schedule (%)',
  testAccuracyLong: 'test accuracy, long schedule (%)',
  regretShort: 'regret, short schedule (% points)',
  regretLong: 'regret, long schedule (% points)',
};

/** Plot size, pixels; default 560 × 320. */
export interface PlotSize {
  /** Width of each panel, pixels > 0. */
  readonly width?: number;
  /** Height of each panel, pixels > 0. */
  readonly height?: number;
}

/**
 * Colour scale of the optimizers, in the order they were run (legend and box plots follow it):
 * 10 distinct colours, 20 when more optimizers are compared (`nhb compare all` runs 11), so no
 * two share a colour.
 */
export function optimizerColorScale(ids: readonly string[]): {
  domain: string[];
  scheme: string;
} {
  return { domain: [...ids], scheme: ids.length > 10 ? 'tableau20' : 'tableau10' };
}

/** Legend of the curves: long names fit, symbols as strong as the lines (not the pale bands). */
const LEGEND = {
  labelLimit: 320,
  encode: { symbols: { update: { opacity: { value: 1 }, fillOpacity: { value: 1 } } } },
};

/**
 * Vega-Lite spec of anytime curves: mean ± standard error over seeds of `metric` against
 * simulated seconds on a log axis, one colour per optimizer.
 */
export function anytimeCurveSpec(
  summary: ExperimentSummary,
  metric: CurveMetric = 'testAccuracyShort',
  size: PlotSize = {},
): TopLevelSpec {
  const rows = summary.optimizers.flatMap((optimizer) =>
    summary.grid.map((seconds, k) => {
      const point = optimizer.curve[metric][k];
      // a mean over only the runs that already have a result would be biased
      const complete = point.n === optimizer.runs;
      return {
        optimizer: optimizer.id,
        seconds,
        mean: complete ? point.mean : Number.NaN,
        lower: point.mean - point.se,
        upper: point.mean + point.se,
      };
    }),
  );
  const data = rows.filter((row) => Number.isFinite(row.mean));
  const scale = optimizerColorScale(summary.optimizers.map((optimizer) => optimizer.id));
  const domain = [summary.grid[0], summary.grid[summary.grid.length - 1]];
  const x = {
    field: 'seconds',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain, nice: false },
    title: 'simulated training cost (s)',
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width ?? 560,
    height: size.height ?? 320,
    data: { values: data },
    layer: [
      {
        mark: { type: 'errorband', opacity: 0.25 },
        encoding: {
          x,
          y: { field: 'lower', type: 'quantitative', title: METRIC_TITLES[metric] },
          y2: { field: 'upper' },
          color: {
            field: 'optimizer',
            type: 'nominal',
            scale,
            legend: LEGEND,
          },
        },
      },
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', scale: { zero: false } },
          color: {
            field: 'optimizer',
            type: 'nominal',
            title: 'optimizer',
            scale,
            legend: LEGEND,
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Vega-Lite spec of box plots of the per-seed test accuracy at the budget, per optimizer. */
export function finalDistributionSpec(
  result: ExperimentResult,
  schedule: 'short' | 'long' = 'short',
  size: PlotSize = {},
): TopLevelSpec {
  const field = schedule === 'short' ? 'testAccuracyShortPct' : 'testAccuracyLongPct';
  const values = finalValues(result).filter((row) => Number.isFinite(row[field]));
  const ids = result.optimizers.map((optimizer) => optimizer.id);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width ?? 560,
    height: size.height ?? 240,
    data: { values },
    mark: { type: 'boxplot', extent: 1.5 },
    encoding: {
      x: {
        field: 'id',
        type: 'nominal',
        title: 'optimizer',
        // the run order; with sort: null the outlier layer's optimizers would come first
        sort: ids,
        axis: { labelAngle: -30 },
      },
      y: {
        field,
        type: 'quantitative',
        scale: { zero: false },
        title: `test accuracy at the budget, ${schedule} schedule (%)`,
      },
      color: { field: 'id', type: 'nominal', title: 'optimizer', scale: optimizerColorScale(ids) },
    },
  } as TopLevelSpec;
}

/** The standard comparison figure: short- and long-schedule anytime curves and final box plots. */
export function comparisonFigureSpec(
  result: ExperimentResult,
  summary: ExperimentSummary,
): TopLevelSpec {
  const panels = [
    anytimeCurveSpec(summary, 'testAccuracyShort'),
    anytimeCurveSpec(summary, 'testAccuracyLong'),
    finalDistributionSpec(result, 'short'),
  ].map(({ $schema: _schema, ...panel }) => panel);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `budget ${Math.round(summary.budgetSeconds)} s, ${result.harness.runs} runs per optimizer`,
    vconcat: panels,
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG document (headless; works in Node and the browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

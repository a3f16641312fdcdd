import { settingAt, type TableAnalysis } from '@nashpobench2/dataset';

/** A figure of the report: file stem, caption and its Vega-Lite specification. */
export interface FigureSpec {
  /** File name without extension, kebab-case, for example `'tau-heatmap-12-epochs'`. */
  name: string;
  /** One-line caption for the Markdown report. */
  caption: string;
  /** Vega-Lite (v6) specification with inline data. */
  spec: Record<string, unknown>;
}

/** Vega-Lite schema the specifications are written against. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Shared look: a font resvg finds on Linux, no frame around plots. */
export const CONFIG = { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: null } };

/**
 * Name of a setting as `'lr, batch size'` (`'0.05, 64'`); a slash would read as the ratio
 * lr / batch size, which is a different quantity.
 */
export function settingName(setting: number): string {
  return `${settingAt(setting).lr}, ${settingAt(setting).batchSize}`;
}

/** A number rounded for inline figure data; null for NaN and infinities. */
export function round(value: number, digits = 4): number | null {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
}

/** Short name of a table for legends: `'12 epochs'`, `'200 epochs (measured)'`. */
export function tableTag(table: TableAnalysis): string {
  const epochs = table.label.split('-')[0];
  return `${epochs} epochs${table.selection === 'measured' ? ' (measured)' : ''}`;
}

/**
 * A facet channel over `field` that keeps the panels in the order of `labels`; `above` puts the
 * labels of a row facet above each panel, unrotated.
 */
export function facetBy(field: string, labels: string[], above = false): Record<string, unknown> {
  const header = above
    ? {
        labelFontSize: 13,
        labelOrient: 'top',
        labelAngle: 0,
        labelAnchor: 'start',
        labelFontWeight: 'bold',
      }
    : { labelFontSize: 12 };
  return { field, type: 'nominal', title: null, sort: labels, header };
}

import { DEFAULT_BENCHMARK_FILE } from '@nashpobench2/dataset';

/**
 * Where the explorer takes its benchmark from: a URL, a file the user picked, or the default
 * benchmark embedded in the dataset package (shipped with the built site as an asset).
 */
export type DataSource =
  | { readonly kind: 'url'; readonly url: string; readonly label: string }
  | { readonly kind: 'file'; readonly file: File; readonly label: string }
  | { readonly kind: 'default'; readonly label: string };

/** The embedded default benchmark as a data source; its label names the file and its origin. */
export const DEFAULT_SOURCE: DataSource = {
  kind: 'default',
  label: `${DEFAULT_BENCHMARK_FILE} (embedded in @nashpobench2/dataset)`,
};

/** What `nhb web` serves at `site-config.json` next to the page. */
export interface SiteConfig {
  /** URL of the benchmark file relative to the page, for example `data/benchmark.parquet`. */
  readonly dataUrl?: string;
  /** File name to show as the benchmark's origin, for example `nhb-default.parquet`. */
  readonly dataName?: string;
}

/** Name of the optional site configuration file written or served next to `index.html`. */
export const SITE_CONFIG_PATH = 'site-config.json';

function lastSegment(url: string): string {
  const path = url.split(/[?#]/)[0];
  const parts = path.split('/').filter((part) => part.length > 0);
  return decodeURIComponent(parts[parts.length - 1] ?? url);
}

/**
 * Chooses the benchmark: a `?data=<url>` query parameter wins, then the site configuration of
 * `nhb web`, else the embedded default benchmark (the project's own reduced benchmark).
 */
export function chooseDataSource(search: string, config: SiteConfig | undefined): DataSource {
  const fromQuery = new URLSearchParams(search).get('data');
  if (fromQuery && fromQuery.trim().length > 0) {
    return { kind: 'url', url: fromQuery.trim(), label: lastSegment(fromQuery.trim()) };
  }
  if (config?.dataUrl) {
    return {
      kind: 'url',
      url: config.dataUrl,
      label: config.dataName ?? lastSegment(config.dataUrl),
    };
  }
  return DEFAULT_SOURCE;
}

/** Reads the site configuration; undefined when the page is served without one (404). */
export async function fetchSiteConfig(baseUrl: string): Promise<SiteConfig | undefined> {
  try {
    const response = await fetch(new URL(SITE_CONFIG_PATH, baseUrl));
    if (!response.ok) return undefined;
    const value: unknown = await response.json();
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    return {
      dataUrl: typeof record.dataUrl === 'string' ? record.dataUrl : undefined,
      dataName: typeof record.dataName === 'string' ? record.dataName : undefined,
    };
  } catch {
    return undefined;
  }
}

import { FormatError } from './errors.js';
import type { BenchmarkMetadata, Mode } from './types.js';
import { FORMAT_VERSION, MODES } from './types.js';

/** Value of the `nhb.format` key that marks a file of this format. */
export const FORMAT_NAME = 'nashpobench2-benchmark';

/** Key-value metadata keys of FORMAT.md. */
export const METADATA_KEYS = {
  format: 'nhb.format',
  version: 'nhb.format_version',
  protocol: 'nhb.protocol',
  provenance: 'nhb.provenance',
  extra: 'nhb.metadata',
} as const;

/** `kind` column: a short-schedule run row. */
export const KIND_RUN = 0;
/** `kind` column: a long-training row. */
export const KIND_LONG = 1;

/** Columns present in every file, in file order, with their Parquet types. */
export const KEY_COLUMNS = [
  ['kind', 'INT32'],
  ['cell_code', 'STRING'],
  ['class_id', 'INT32'],
  ['lr', 'DOUBLE'],
  ['batch_size', 'INT32'],
  ['seed', 'INT32'],
  ['measured', 'BOOLEAN'],
  ['parameters', 'DOUBLE'],
  ['flops', 'DOUBLE'],
  ['backend', 'STRING'],
  ['device', 'STRING'],
  ['long_test_accuracy', 'DOUBLE'],
  ['long_test_accuracy_std', 'DOUBLE'],
  ['long_seeds', 'STRING'],
] as const;

/** Columns a reader accepts missing (NaN when absent), in file order after KEY_COLUMNS. */
export const OPTIONAL_COLUMNS = [
  ['total_train_seconds', 'DOUBLE'],
  ['total_trainvalid_seconds', 'DOUBLE'],
  ['total_test_seconds', 'DOUBLE'],
] as const;

/**
 * Per-epoch quantities stored as one column per epoch. Optional ones (see `OPTIONAL_SERIES`):
 * `cpu_seconds` (process CPU seconds of the pass), `accuracy_std` and `seconds_std` (predicted
 * spread of a surrogate-completed run's accuracy and pass seconds).
 */
export type SeriesName =
  | 'accuracy'
  | 'loss'
  | 'seconds'
  | 'cpu_seconds'
  | 'accuracy_std'
  | 'seconds_std';

/**
 * Per-epoch series a file may lack (all 3 × shortEpochs columns of one, or none); a reader treats
 * absent ones as NaN (unknown). `accuracy_std` and `seconds_std` are the predictive std, percent
 * points and seconds, of the configuration's seed-mean value that a surrogate predicted.
 */
export const OPTIONAL_SERIES = ['cpu_seconds', 'accuracy_std', 'seconds_std'] as const;

/** One of `OPTIONAL_SERIES`. */
export type OptionalSeriesName = (typeof OPTIONAL_SERIES)[number];

/** Name of the column of a per-epoch quantity, epoch 1-based: `valid_accuracy_12`. */
export function seriesColumn(mode: Mode, series: SeriesName, epoch: number): string {
  return `${mode}_${series}_${epoch}`;
}

/** All per-epoch column names of a series in storage order (mode, then epoch). */
export function seriesColumns(series: SeriesName, epochs: number): string[] {
  const names: string[] = [];
  for (const mode of MODES)
    for (let e = 1; e <= epochs; e++) names.push(seriesColumn(mode, series, e));
  return names;
}

/** Key-value metadata entries written into every file. */
export function encodeMetadata(meta: BenchmarkMetadata): { key: string; value: string }[] {
  const { formatVersion: _version, protocol, provenance, ...extra } = meta;
  return [
    { key: METADATA_KEYS.format, value: FORMAT_NAME },
    { key: METADATA_KEYS.version, value: String(FORMAT_VERSION) },
    { key: METADATA_KEYS.protocol, value: JSON.stringify(protocol) },
    { key: METADATA_KEYS.provenance, value: JSON.stringify(provenance) },
    { key: METADATA_KEYS.extra, value: JSON.stringify(extra) },
  ];
}

function parseJson(text: string | undefined, key: string, where: string): Record<string, unknown> {
  if (text === undefined) throw new FormatError(`dataset: ${where} lacks the '${key}' metadata`);
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch (cause) {
    throw new FormatError(`dataset: ${where} has malformed '${key}' metadata`, { cause });
  }
  throw new FormatError(`dataset: ${where} has '${key}' metadata that is not an object`);
}

function checkProtocol(protocol: Record<string, unknown>, where: string): void {
  const integers = ['version', 'shortEpochs', 'longEpochs'];
  for (const name of integers) {
    const value = protocol[name];
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new FormatError(
        `dataset: ${where}: protocol.${name} is ${String(value)}; allowed: integers ≥ 1`,
      );
    }
  }
  if (typeof protocol.name !== 'string' || !Array.isArray(protocol.seeds)) {
    throw new FormatError(`dataset: ${where}: protocol needs a name and a seeds list`);
  }
}

/** Parses and checks the key-value metadata of a file; throws `FormatError` naming the problem. */
export function decodeMetadata(
  entries: readonly { key: string; value?: string }[] | undefined,
  where: string,
): BenchmarkMetadata {
  const map = new Map((entries ?? []).map((entry) => [entry.key, entry.value]));
  if (map.get(METADATA_KEYS.format) !== FORMAT_NAME) {
    throw new FormatError(
      `dataset: ${where} is not a NAS-HPO-Bench-II benchmark file (no '${METADATA_KEYS.format}' = '${FORMAT_NAME}')`,
    );
  }
  const version = Number(map.get(METADATA_KEYS.version));
  if (!Number.isInteger(version) || version < 1 || version > FORMAT_VERSION) {
    const shown = map.get(METADATA_KEYS.version);
    throw new FormatError(
      `dataset: ${where} has format version ${shown}; this reader supports 1..${FORMAT_VERSION}`,
    );
  }
  const protocol = parseJson(map.get(METADATA_KEYS.protocol), METADATA_KEYS.protocol, where);
  checkProtocol(protocol, where);
  const provenance = parseJson(map.get(METADATA_KEYS.provenance), METADATA_KEYS.provenance, where);
  const extra = map.has(METADATA_KEYS.extra)
    ? parseJson(map.get(METADATA_KEYS.extra), METADATA_KEYS.extra, where)
    : {};
  return {
    ...extra,
    formatVersion: version,
    protocol: protocol as BenchmarkMetadata['protocol'],
    provenance: provenance as BenchmarkMetadata['provenance'],
  };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** JSON text of a protocol with keys sorted at every level, to compare the protocols of parts. */
export function protocolFingerprint(protocol: BenchmarkMetadata['protocol']): string {
  return JSON.stringify(canonical(protocol));
}

import { HYPERPARAMETER_PAIR_COUNT } from '@nashpobench2/search-space';
import type { CompressionCodec } from 'hyparquet';
import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import type { Benchmark } from './benchmark.js';
import {
  OPTIONAL_SERIES_TABLES,
  pairValues,
  SLOT_MEASURED,
  SLOT_MISSING,
} from './benchmark-tables.js';
import { FormatError } from './errors.js';
import {
  encodeMetadata,
  KEY_COLUMNS,
  KIND_LONG,
  KIND_RUN,
  OPTIONAL_COLUMNS,
  type SeriesName,
  seriesColumn,
  seriesColumns,
} from './format.js';
import { MODES } from './types.js';

/** Compression functions by codec name, for the writer: bytes in, compressed bytes out. */
export type Compressors = Partial<Record<CompressionCodec, (input: Uint8Array) => Uint8Array>>;

/** Options of the Parquet encoder. */
export interface EncodeOptions {
  /** Compression codec; default 'SNAPPY' (built into both hyparquet and hyparquet-writer). */
  codec?: CompressionCodec;
  /** Compressors for codecs other than SNAPPY and UNCOMPRESSED (the Node entry supplies GZIP). */
  compressors?: Compressors;
  /** Rows per row group, integer ≥ 1; default 250,000. */
  rowGroupSize?: number;
  /**
   * Series written with Parquet dictionary encoding (standard; every reader decodes it) instead of
   * PLAIN. It pays off when a column holds few distinct values, for example accuracies on the grid
   * 100 / images that a measured run can reach: the default benchmark's accuracy columns shrink by
   * a third. Default: none. Optional series are listed the same way (`'accuracy_std'`...) and
   * are ignored while the benchmark has none.
   */
  dictionarySeries?: readonly SeriesName[];
}

const DEFAULT_ROW_GROUP_SIZE = 250_000;

function hasValue(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) return true;
  return false;
}

/**
 * Encodes a benchmark as one Parquet file of FORMAT.md (run rows, then long rows); browser-safe.
 * Returns the file's bytes.
 */
export function encodeBenchmark(bench: Benchmark, options: EncodeOptions = {}): ArrayBuffer {
  const t = bench.tables;
  const E = t.epochs;
  const S = t.seeds.length;
  const rows = t.trainingOfRow.length;
  if (!t.loss)
    throw new FormatError('dataset: cannot write a benchmark opened without its loss columns');

  const runSlots: number[] = [];
  for (let slot = 0; slot < rows * S; slot++)
    if (t.runState[slot] !== SLOT_MISSING) runSlots.push(slot);
  const longRows: number[] = [];
  for (let row = 0; row < rows; row++) if (t.longState[row] !== SLOT_MISSING) longRows.push(row);
  const n = runSlots.length + longRows.length;

  const ints = (): Int32Array => new Int32Array(n);
  const doubles = (): Float64Array => new Float64Array(n).fill(Number.NaN);
  const strings = (): string[] => new Array<string>(n).fill('');
  const key = {
    kind: ints(),
    cell_code: strings(),
    class_id: ints(),
    lr: doubles(),
    batch_size: ints(),
    seed: ints(),
    measured: new Array<boolean>(n).fill(false),
    parameters: doubles(),
    flops: doubles(),
    backend: strings(),
    device: strings(),
    long_test_accuracy: doubles(),
    long_test_accuracy_std: doubles(),
    long_seeds: strings(),
  };
  const totals = {
    total_train_seconds: doubles(),
    total_trainvalid_seconds: doubles(),
    total_test_seconds: doubles(),
  };
  const series = new Map<string, Float64Array>();
  const sources: [SeriesName, Float64Array][] = [
    ['accuracy', t.accuracy],
    ['loss', t.loss],
    ['seconds', t.seconds],
  ];
  // Optional series are written only when some run has a value, so files stay as before.
  for (const { series: name, table } of OPTIONAL_SERIES_TABLES) {
    const values = t[table];
    if (values && hasValue(values)) sources.push([name, values]);
  }
  for (const [name] of sources) {
    for (const mode of MODES)
      for (let e = 1; e <= E; e++) series.set(seriesColumn(mode, name, e), doubles());
  }

  const setKey = (i: number, row: number, kind: number) => {
    const training = t.trainingOfRow[row];
    const { lr, batchSize } = pairValues(training % HYPERPARAMETER_PAIR_COUNT);
    key.kind[i] = kind;
    key.class_id[i] = Math.floor(training / HYPERPARAMETER_PAIR_COUNT);
    key.lr[i] = lr;
    key.batch_size[i] = batchSize;
  };

  runSlots.forEach((slot, i) => {
    const row = Math.floor(slot / S);
    setKey(i, row, KIND_RUN);
    key.cell_code[i] = t.runCellCode[row] as string;
    key.seed[i] = t.seeds[slot % S];
    key.measured[i] = t.runState[slot] === SLOT_MEASURED;
    key.parameters[i] = t.parameters[row];
    key.flops[i] = t.flops[row];
    key.backend[i] = t.labels[t.runBackend[slot]];
    key.device[i] = t.labels[t.runDevice[slot]];
    totals.total_train_seconds[i] = t.totals[slot * 3];
    totals.total_trainvalid_seconds[i] = t.totals[slot * 3 + 1];
    totals.total_test_seconds[i] = t.totals[slot * 3 + 2];
    for (const [name, values] of sources) {
      MODES.forEach((mode, m) => {
        const base = (slot * 3 + m) * E;
        for (let e = 0; e < E; e++)
          (series.get(seriesColumn(mode, name, e + 1)) as Float64Array)[i] = values[base + e];
      });
    }
  });

  longRows.forEach((row, j) => {
    const i = runSlots.length + j;
    setKey(i, row, KIND_LONG);
    key.cell_code[i] = t.longCellCode[row] as string;
    key.seed[i] = -1;
    key.measured[i] = t.longState[row] === SLOT_MEASURED;
    key.long_test_accuracy[i] = t.longAccuracy[row];
    key.long_test_accuracy_std[i] = t.longStd[row];
    key.long_seeds[i] = (t.longSeeds[row] ?? []).join(',');
  });

  const columnData: ColumnSource[] = KEY_COLUMNS.map(([name, type]) => ({
    name,
    data: key[name],
    type,
    nullable: false,
  }));
  for (const [name, type] of OPTIONAL_COLUMNS) {
    columnData.push({ name, data: totals[name], type, nullable: false });
  }
  const dictionary = new Set(
    (options.dictionarySeries ?? []).flatMap((name) => seriesColumns(name, E)),
  );
  for (const [name, data] of series) {
    columnData.push({
      name,
      data,
      type: 'DOUBLE',
      nullable: false,
      encoding: dictionary.has(name) ? 'RLE_DICTIONARY' : 'PLAIN',
    });
  }

  return parquetWriteBuffer({
    columnData,
    codec: options.codec ?? 'SNAPPY',
    compressors: options.compressors,
    rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
    // One page per column chunk: the reader then gets each column in one piece, without copies.
    pageSize: 0,
    kvMetadata: encodeMetadata(bench.metadata),
    statistics: false,
    createdBy: '@nashpobench2/dataset (hyparquet-writer)',
  });
}

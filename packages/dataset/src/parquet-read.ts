import {
  cellClassOf,
  HYPERPARAMETER_PAIR_COUNT,
  hyperparameterPairIndex,
} from '@nashpobench2/search-space';
import { type ColumnData, type FileMetaData, parquetMetadata, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import {
  type BenchmarkTables,
  computeCosts,
  createTables,
  labelIndex,
  OPTIONAL_SERIES_TABLES,
  optionalSeriesTable,
  SLOT_MEASURED,
  SLOT_MISSING,
  SLOT_PREDICTED,
} from './benchmark-tables.js';
import { FormatError } from './errors.js';
import {
  decodeMetadata,
  KEY_COLUMNS,
  KIND_LONG,
  KIND_RUN,
  OPTIONAL_COLUMNS,
  protocolFingerprint,
  type SeriesName,
  seriesColumn,
  seriesColumns,
} from './format.js';
import type { LoadedBenchmark, OpenOptions } from './open-source.js';
import { type BenchmarkMetadata, MODES } from './types.js';

/** Rows copied per block when filling the tables. */
const COPY_BLOCK_ROWS = 512;

/** One Parquet file of a benchmark: a name for messages and its bytes. */
export interface BenchmarkPart {
  name: string;
  bytes: ArrayBuffer;
}

/** One part file decoded into columns, before it is merged into tables. */
export interface DecodedPart {
  name: string;
  metadata: BenchmarkMetadata;
  rows: number;
  columns: Map<string, ArrayLike<unknown>>;
}

function readFooter(part: BenchmarkPart): FileMetaData {
  try {
    return parquetMetadata(part.bytes);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError(
      `dataset: ${part.name} is not a readable Parquet file (truncated or corrupt?): ${reason}`,
      { cause },
    );
  }
}

/** Decodes one part: footer, metadata, required columns (throws `FormatError` naming the problem). */
export async function decodePart(part: BenchmarkPart, options: OpenOptions): Promise<DecodedPart> {
  const footer = readFooter(part);
  const metadata = decodeMetadata(footer.key_value_metadata, part.name);
  const E = metadata.protocol.shortEpochs;
  const wanted: SeriesName[] =
    options.columns === 'query' ? ['accuracy', 'seconds'] : ['accuracy', 'loss', 'seconds'];
  const names: string[] = KEY_COLUMNS.map(([name]) => name);
  for (const series of wanted)
    for (const mode of MODES)
      for (let e = 1; e <= E; e++) names.push(seriesColumn(mode, series, e));

  const present = new Set(footer.schema.map((element) => element.name));
  const missing = names.filter((name) => !present.has(name));
  if (missing.length > 0)
    throw new FormatError(`dataset: ${part.name} lacks columns ${missing.slice(0, 5).join(', ')}`);
  for (const [name] of OPTIONAL_COLUMNS) if (present.has(name)) names.push(name);
  // Optional per-epoch series (CPU seconds, predicted spreads): all 3 × E columns of a series or
  // none (older files have none). Queries read none of them.
  if (options.columns !== 'query') {
    for (const { series } of OPTIONAL_SERIES_TABLES) {
      const columns = seriesColumns(series, E);
      const found = columns.filter((name) => present.has(name));
      if (found.length > 0 && found.length < columns.length) {
        const lacking = columns.filter((name) => !present.has(name));
        throw new FormatError(
          `dataset: ${part.name} has some ${series} columns but lacks ${lacking.slice(0, 5).join(', ')}`,
        );
      }
      names.push(...found);
    }
  }

  const rows = Number(footer.num_rows);
  const chunks = new Map<string, ColumnData[]>();
  try {
    await parquetRead({
      file: part.bytes,
      metadata: footer,
      columns: names,
      compressors,
      onChunk: (chunk) => {
        const list = chunks.get(chunk.columnName) ?? [];
        list.push(chunk);
        chunks.set(chunk.columnName, list);
      },
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError(
      `dataset: cannot decode ${part.name} (truncated or corrupt?): ${reason}`,
      { cause },
    );
  }

  const columns = new Map<string, ArrayLike<unknown>>();
  for (const name of names)
    columns.set(name, assemble(chunks.get(name) ?? [], rows, part.name, name));
  for (const [name] of OPTIONAL_COLUMNS)
    if (!columns.has(name)) columns.set(name, new Float64Array(rows).fill(Number.NaN));
  return { name: part.name, metadata, rows, columns };
}

function assemble(
  chunks: ColumnData[],
  rows: number,
  where: string,
  name: string,
): ArrayLike<unknown> {
  if (chunks.length === 1 && chunks[0].rowStart === 0 && chunks[0].columnData.length === rows)
    return chunks[0].columnData;
  const sample = chunks[0]?.columnData;
  const out: unknown[] | Float64Array | Int32Array =
    sample instanceof Float64Array
      ? new Float64Array(rows)
      : sample instanceof Int32Array
        ? new Int32Array(rows)
        : new Array(rows);
  let filled = 0;
  for (const chunk of chunks) {
    const data = chunk.columnData as ArrayLike<unknown>;
    const count = Math.min(data.length, rows - chunk.rowStart);
    if (ArrayBuffer.isView(out) && ArrayBuffer.isView(data)) {
      (out as Float64Array).set((data as Float64Array).subarray(0, count), chunk.rowStart);
    } else {
      for (let i = 0; i < count; i++) (out as unknown[])[chunk.rowStart + i] = data[i];
    }
    filled += count;
  }
  if (filled < rows)
    throw new FormatError(`dataset: ${where} column ${name} has ${filled} of ${rows} values`);
  return out;
}

/** Reads one benchmark Parquet file from its bytes. */
export async function readBenchmarkBytes(
  bytes: ArrayBuffer,
  options: OpenOptions = {},
  name = 'benchmark file',
): Promise<LoadedBenchmark> {
  return readBenchmarkParts([{ name, bytes }], options);
}

/** Reads the part files of one benchmark (a folder) into one set of tables; throws on conflicts. */
export async function readBenchmarkParts(
  parts: readonly BenchmarkPart[],
  options: OpenOptions = {},
): Promise<LoadedBenchmark> {
  if (parts.length === 0)
    throw new FormatError('dataset: no benchmark part files (*.parquet) found');
  const decoded: DecodedPart[] = [];
  for (const part of parts) decoded.push(await decodePart(part, options));

  const first = decoded[0];
  const fingerprint = protocolFingerprint(first.metadata.protocol);
  for (const part of decoded.slice(1)) {
    if (protocolFingerprint(part.metadata.protocol) !== fingerprint) {
      throw new FormatError(
        `dataset: ${part.name} was trained with another protocol than ${first.name}; parts of one benchmark must share it`,
      );
    }
  }

  const classCache = new Map<string, number>();
  const trainingsByPart = decoded.map((part) => trainingIndices(part, classCache));
  const seeds = new Set<number>();
  decoded.forEach((part) => {
    const kind = part.columns.get('kind') as Int32Array;
    const seed = part.columns.get('seed') as Int32Array;
    let last = Number.NaN;
    for (let i = 0; i < part.rows; i++) {
      if (kind[i] === KIND_RUN && seed[i] !== last) {
        last = seed[i];
        seeds.add(last);
      }
    }
  });
  const allTrainings = (function* () {
    for (const trainings of trainingsByPart) yield* trainings;
  })();
  const seedList = seeds.size > 0 ? [...seeds] : first.metadata.protocol.seeds;
  const tables = createTables(
    first.metadata.protocol.shortEpochs,
    seedList,
    allTrainings,
    options.columns !== 'query',
  );
  decoded.forEach((part, p) => {
    fillPart(tables, part, trainingsByPart[p]);
  });

  const metadata: BenchmarkMetadata = { ...first.metadata };
  if (decoded.length > 1) {
    metadata.provenance = {
      ...first.metadata.provenance,
      parts: decoded.map((part) => ({ name: part.name, provenance: part.metadata.provenance })),
    };
  }
  return { tables, metadata };
}

function trainingIndices(part: DecodedPart, classCache: Map<string, number>): Int32Array {
  const code = part.columns.get('cell_code') as string[];
  const classId = part.columns.get('class_id') as Int32Array;
  const lr = part.columns.get('lr') as Float64Array;
  const batch = part.columns.get('batch_size') as Int32Array;
  const out = new Int32Array(part.rows);
  for (let i = 0; i < part.rows; i++) {
    let actual = classCache.get(code[i]);
    if (actual === undefined) {
      actual = cellClassOf(code[i]).id;
      classCache.set(code[i], actual);
    }
    if (actual !== classId[i]) {
      throw new FormatError(
        `dataset: ${part.name} row ${i}: class_id ${classId[i]} is not the class of ${code[i]} (${actual})`,
      );
    }
    out[i] = actual * HYPERPARAMETER_PAIR_COUNT + hyperparameterPairIndex(lr[i], batch[i]);
  }
  return out;
}

function fillPart(t: BenchmarkTables, part: DecodedPart, trainings: Int32Array): void {
  const E = t.epochs;
  const S = t.seeds.length;
  const col = <T>(name: string) => part.columns.get(name) as unknown as T;
  const kind = col<Int32Array>('kind');
  const code = col<string[]>('cell_code');
  const seed = col<Int32Array>('seed');
  const measured = col<boolean[]>('measured');
  const slotOfRow = new Int32Array(part.rows).fill(-1);

  const where = (i: number) => {
    const lr = col<Float64Array>('lr')[i];
    return `${part.name} row ${i} (${code[i]}, lr ${lr}, batch size ${col<Int32Array>('batch_size')[i]})`;
  };
  const parameters = col<Float64Array>('parameters');
  const flops = col<Float64Array>('flops');
  const backend = col<string[]>('backend');
  const device = col<string[]>('device');
  const totals = OPTIONAL_COLUMNS.map(([name]) => col<Float64Array>(name));

  for (let i = 0; i < part.rows; i++) {
    const row = t.rowOfTraining[trainings[i]];
    if (kind[i] === KIND_RUN) {
      const slot = row * S + t.seeds.indexOf(seed[i]);
      if (t.runState[slot] !== SLOT_MISSING)
        throw new FormatError(`dataset: duplicate run with seed ${seed[i]} at ${where(i)}`);
      const known = t.runCellCode[row];
      if (known !== undefined && known !== code[i])
        throw new FormatError(`dataset: ${where(i)}: class already trained as ${known}`);
      t.runState[slot] = measured[i] ? SLOT_MEASURED : SLOT_PREDICTED;
      t.runCellCode[row] = code[i];
      t.parameters[row] = parameters[i];
      t.flops[row] = flops[i];
      t.runBackend[slot] = backend[i] ? labelIndex(t, backend[i]) : 0;
      t.runDevice[slot] = device[i] ? labelIndex(t, device[i]) : 0;
      for (let k = 0; k < 3; k++) t.totals[slot * 3 + k] = totals[k][i];
      slotOfRow[i] = slot;
    } else if (kind[i] === KIND_LONG) {
      if (t.longState[row] !== SLOT_MISSING)
        throw new FormatError(`dataset: duplicate long value at ${where(i)}`);
      t.longState[row] = measured[i] ? SLOT_MEASURED : SLOT_PREDICTED;
      t.longAccuracy[row] = col<Float64Array>('long_test_accuracy')[i];
      t.longStd[row] = col<Float64Array>('long_test_accuracy_std')[i];
      const seeds = col<string[]>('long_seeds')[i];
      t.longSeeds[row] = seeds ? seeds.split(',').map(Number) : undefined;
      t.longCellCode[row] = code[i];
    } else {
      throw new FormatError(
        `dataset: ${where(i)}: kind ${kind[i]}; allowed: ${KIND_RUN} (run), ${KIND_LONG} (long)`,
      );
    }
  }

  const targets: [SeriesName, Float64Array | null][] = [
    ['accuracy', t.accuracy],
    ['loss', t.loss],
    ['seconds', t.seconds],
  ];
  for (const { series, table } of OPTIONAL_SERIES_TABLES) {
    const present = part.columns.has(seriesColumn('train', series, 1));
    targets.push([series, present ? optionalSeriesTable(t, table) : null]);
  }
  const copies: { values: Float64Array; target: Float64Array; offset: number }[] = [];
  for (const [series, target] of targets) {
    if (!target || !part.columns.has(seriesColumn('train', series, 1))) continue;
    MODES.forEach((mode, m) => {
      for (let e = 0; e < E; e++) {
        copies.push({
          values: col<Float64Array>(seriesColumn(mode, series, e + 1)),
          target,
          offset: m * E + e,
        });
      }
    });
  }
  // Blocks of rows keep the written slots in cache while every column is copied into them.
  const stride = 3 * E;
  for (let start = 0; start < part.rows; start += COPY_BLOCK_ROWS) {
    const end = Math.min(part.rows, start + COPY_BLOCK_ROWS);
    for (const { values, target, offset } of copies) {
      for (let i = start; i < end; i++) {
        const slot = slotOfRow[i];
        if (slot >= 0) target[slot * stride + offset] = values[i];
      }
    }
  }
  for (let i = 0; i < part.rows; i++) if (slotOfRow[i] >= 0) computeCosts(t, slotOfRow[i]);
}

import {
  BATCH_SIZES,
  cellClassOf,
  isCellCode,
  LEARNING_RATES,
  networkCost,
  OFFICIAL_REPRESENTATIVES,
} from '@nashpobench2/search-space';
import { FormatError } from './errors.js';
import { readPickle } from './pickle-reader.js';
import {
  describeValue,
  keyText,
  PyDict,
  PyTuple,
  type PyValue,
  typeName,
} from './pickle-values.js';
import {
  type BenchmarkMetadata,
  FORMAT_VERSION,
  type LongRecord,
  MODES,
  PAPER_PROTOCOL,
  type RunRecord,
} from './types.js';

/** The bytes of the authors' three pickle files. */
export interface OfficialPickles {
  /** `bench12.pkl`: `{column: {(hash, lr, batch_size, seed): value}}`. */
  bench12: Uint8Array;
  /** `cellinfo.pkl`: `{'hash': {cellcode: hash}}`. */
  cellinfo: Uint8Array;
  /** `avgaccs200.pkl`: `{'avg_acc': {(hash, lr, batch_size): value}}`. */
  avgaccs200: Uint8Array;
}

/** Options of the official importer. */
export interface OfficialImportOptions {
  /** Progress: the step ('cellinfo.pkl', 'bench12.pkl', 'avgaccs200.pkl', 'convert'), done and total units. */
  onProgress?: (step: string, done: number, total: number) => void;
  /** ISO 8601 time recorded as provenance.createdAt; default now. */
  createdAt?: string;
  /** Extra provenance entries (file names, sizes, hashes...). */
  provenance?: Record<string, unknown>;
}

/** Records, metadata and warnings converted from the official pickles. */
export interface OfficialImport {
  runs: RunRecord[];
  long: LongRecord[];
  metadata: BenchmarkMetadata;
  /** Things a user should know: unused columns, missing optional columns, NaN values. */
  warnings: string[];
}

/** What the importer knows about one official hash: the class and the code trained for it. */
interface HashInfo {
  classId: number;
  cellCode: string;
}

const TOTAL_COLUMNS = ['total_train_time', 'total_trainval_time', 'total_test_time'] as const;
/** Columns the official API reads or that only repeat the key; not reported as unused. */
const KEY_REPEAT_COLUMNS = new Set(['lr', 'batch_size', 'seed']);
const LR_TOLERANCE = 1e-6;

function fail(file: string, message: string): never {
  throw new FormatError(`dataset: ${file}: ${message}`);
}

function asDict(value: PyValue | undefined, file: string, what: string): PyDict {
  if (!(value instanceof PyDict)) fail(file, `${what} is a ${typeName(value)}; expected a dict`);
  return value as PyDict;
}

function asNumber(value: PyValue | undefined, file: string, where: () => string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return fail(file, `${where()} holds a ${typeName(value)}; expected a number`);
}

function representatives(): Set<string> {
  return new Set(OFFICIAL_REPRESENTATIVES);
}

/** Maps every hash of cellinfo.pkl to one class, checking it agrees with this project's classes. */
export function readCellInfo(cellinfo: PyValue): Map<string, HashInfo> {
  const file = 'cellinfo.pkl';
  const top = asDict(cellinfo, file, 'the file');
  const hashes = top.get('hash');
  if (hashes === undefined)
    fail(file, `lacks the 'hash' entry; found: ${top.keys.map(describeValue).join(', ')}`);
  const byCode = asDict(hashes, file, "'hash'");
  const official = representatives();
  const codesOfHash = new Map<string, string[]>();
  const hashOfClass = new Map<number, string>();
  const info = new Map<string, HashInfo>();

  for (let i = 0; i < byCode.keys.length; i++) {
    const code = byCode.keys[i];
    if (typeof code !== 'string' || !isCellCode(code))
      fail(
        file,
        `cell code ${describeValue(code)} is not valid; allowed: 'A|BC|DEF' with digits 0-3`,
      );
    const hash = keyText(byCode.values[i]);
    const classId = cellClassOf(code).id;
    const known = info.get(hash);
    if (known && known.classId !== classId) {
      fail(
        file,
        `hash ${describeValue(byCode.values[i])} groups ${known.cellCode} (class ${known.classId}) with ${code} (class ${classId}), which this project's equivalence rule keeps apart`,
      );
    }
    const otherHash = hashOfClass.get(classId);
    if (otherHash !== undefined && otherHash !== hash) {
      fail(
        file,
        `class ${classId} (${code}) is split over two hashes; this project's equivalence rule joins them`,
      );
    }
    hashOfClass.set(classId, hash);
    codesOfHash.set(hash, [...(codesOfHash.get(hash) ?? []), code]);
    if (!known) info.set(hash, { classId, cellCode: cellClassOf(code).representative });
  }
  // The code the authors trained: their listed representative when the hash covers it.
  for (const [hash, codes] of codesOfHash) {
    const trained = codes.find((code) => official.has(code));
    if (trained) (info.get(hash) as HashInfo).cellCode = trained;
  }
  return info;
}

function snapLr(value: number, file: string, key: PyValue): number {
  for (const lr of LEARNING_RATES) if (Math.abs(value - lr) <= LR_TOLERANCE * lr) return lr;
  return fail(
    file,
    `key ${describeValue(key)} has lr ${value}; allowed: ${LEARNING_RATES.join(', ')}`,
  );
}

function checkBatchSize(value: number, file: string, key: PyValue): number {
  if (!BATCH_SIZES.includes(value))
    fail(
      file,
      `key ${describeValue(key)} has batch size ${value}; allowed: ${BATCH_SIZES.join(', ')}`,
    );
  return value;
}

interface ParsedKey {
  hash: HashInfo;
  lr: number;
  batchSize: number;
  seed: number;
}

function parseKey(
  key: PyValue,
  size: 3 | 4,
  file: string,
  hashes: Map<string, HashInfo>,
): ParsedKey {
  const layout = size === 4 ? '(hash, lr, batch_size, seed)' : '(hash, lr, batch_size)';
  if (!(key instanceof PyTuple) || key.items.length !== size)
    fail(file, `key ${describeValue(key)} is not a ${layout} tuple`);
  const [hashValue, lrValue, batchValue, seedValue] = (key as PyTuple).items;
  const hash = hashes.get(keyText(hashValue));
  if (!hash)
    fail(
      file,
      `key ${describeValue(key)} names hash ${describeValue(hashValue)}, which cellinfo.pkl does not list`,
    );
  const where = () => `key ${describeValue(key)}`;
  const seed = size === 4 ? asNumber(seedValue, file, where) : Number.NaN;
  if (size === 4 && !Number.isInteger(seed))
    fail(file, `${where()} has seed ${seed}; expected an integer`);
  return {
    hash: hash as HashInfo,
    lr: snapLr(asNumber(lrValue, file, where), file, key),
    batchSize: checkBatchSize(asNumber(batchValue, file, where), file, key),
    seed,
  };
}

/** Values of one column in row order, by key equality (fast when the keys are in the same order). */
function columnValues(
  column: PyDict,
  name: string,
  rowKeys: readonly PyValue[],
  rowTexts: readonly string[],
): PyValue[] {
  const aligned =
    column.keys.length === rowKeys.length &&
    column.keys.every((key, i) => key === rowKeys[i] || keyText(key) === rowTexts[i]);
  if (aligned) return column.values;
  const index = column.index();
  return rowTexts.map((text, row) => {
    const position = index.get(text);
    if (position === undefined)
      fail('bench12.pkl', `column '${name}' has no value for key ${describeValue(rowKeys[row])}`);
    return column.values[position as number];
  });
}

/** Number of epochs: train_acc_0, train_acc_1, ... present without a gap. */
function countEpochs(names: Set<string>): number {
  let epochs = 0;
  while (names.has(`train_acc_${epochs}`)) epochs += 1;
  return epochs;
}

/** Converts the parsed official pickles into records, metadata and warnings. */
export function convertOfficial(
  parsed: { bench12: PyValue; cellinfo: PyValue; avgaccs200: PyValue },
  options: OfficialImportOptions = {},
): OfficialImport {
  const warnings: string[] = [];
  const hashes = readCellInfo(parsed.cellinfo);

  const file = 'bench12.pkl';
  const bench = asDict(parsed.bench12, file, 'the file');
  const names = new Set(bench.stringKeys());
  const epochs = countEpochs(names);
  const required = MODES.flatMap((mode) =>
    Array.from({ length: epochs }, (_, e) => [`${mode}_acc_${e}`, `${mode}_time_${e}`]).flat(),
  );
  if (epochs === 0) required.push('train_acc_0');
  const missing = required.filter((name) => !names.has(name));
  if (missing.length > 0) {
    const found = [...names].slice(0, 12).join(', ');
    fail(
      file,
      `lacks column '${missing[0]}' (${missing.length} required columns missing); found: ${found}${names.size > 12 ? ', ...' : ''}`,
    );
  }
  const lossNames = MODES.flatMap((mode) =>
    Array.from({ length: epochs }, (_, e) => `${mode}_loss_${e}`),
  );
  const lossPresent = lossNames.filter((name) => names.has(name));
  if (lossPresent.length < lossNames.length)
    warnings.push(
      `bench12.pkl has ${lossPresent.length} of ${lossNames.length} loss columns ({mode}_loss_{i}); missing losses are stored as NaN`,
    );
  const totalsPresent = TOTAL_COLUMNS.every((name) => names.has(name));
  if (!totalsPresent)
    warnings.push(
      `bench12.pkl lacks ${TOTAL_COLUMNS.filter((n) => !names.has(n)).join(', ')}; costs at the last epoch are sums of the per-epoch times`,
    );
  const used = new Set([
    ...required,
    ...lossPresent,
    ...(totalsPresent ? TOTAL_COLUMNS : []),
    ...KEY_REPEAT_COLUMNS,
  ]);
  const unused = [...names].filter((name) => !used.has(name));
  if (unused.length > 0) warnings.push(`bench12.pkl columns not imported: ${unused.join(', ')}`);

  // Rows: the distinct keys of the first accuracy column.
  const reference = asDict(bench.get('train_acc_0'), file, "column 'train_acc_0'");
  const positions = [...reference.index().values()].sort((a, b) => a - b);
  const rowKeys = positions.map((p) => reference.keys[p]);
  const rowTexts = rowKeys.map((key) => keyText(key));
  const rows = rowKeys.map((key) => parseKey(key, 4, file, hashes));

  const read = (name: string): Float64Array => {
    const column = asDict(bench.get(name), file, `column '${name}'`);
    const values = columnValues(column, name, rowKeys, rowTexts);
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++)
      out[i] = asNumber(
        values[i],
        file,
        () => `column '${name}' at key ${describeValue(rowKeys[i])}`,
      );
    return out;
  };
  const columnCount = required.length + lossPresent.length + (totalsPresent ? 3 : 0);
  let columnsDone = 0;
  const columns = new Map<string, Float64Array>();
  for (const name of [...required, ...lossPresent, ...(totalsPresent ? TOTAL_COLUMNS : [])]) {
    columns.set(name, read(name));
    options.onProgress?.('convert', ++columnsDone, columnCount);
  }

  let nanCount = 0;
  const series = (mode: string, quantity: string, row: number): number[] =>
    Array.from({ length: epochs }, (_, e) => {
      const values = columns.get(`${mode}_${quantity}_${e}`);
      const value = values ? values[row] : Number.NaN;
      if (values && Number.isNaN(value)) nanCount += 1;
      return value;
    });
  const costs = new Map<string, { parameters: number; flops: number }>();
  const runs: RunRecord[] = rows.map((row, i) => {
    const { cellCode, classId } = row.hash;
    if (!costs.has(cellCode)) costs.set(cellCode, networkCost(cellCode));
    const cost = costs.get(cellCode) as { parameters: number; flops: number };
    const record: RunRecord = {
      cellCode,
      classId,
      lr: row.lr,
      batchSize: row.batchSize,
      seed: row.seed,
      trainAccuracy: series('train', 'acc', i),
      trainLoss: series('train', 'loss', i),
      validAccuracy: series('valid', 'acc', i),
      validLoss: series('valid', 'loss', i),
      testAccuracy: series('test', 'acc', i),
      testLoss: series('test', 'loss', i),
      trainSeconds: series('train', 'time', i),
      validSeconds: series('valid', 'time', i),
      testSeconds: series('test', 'time', i),
      parameters: cost.parameters,
      flops: cost.flops,
      measured: true,
    };
    if (totalsPresent) {
      const [train, trainValid, test] = TOTAL_COLUMNS.map(
        (name) => (columns.get(name) as Float64Array)[i],
      );
      record.totalSeconds = { train, trainValid, test };
    }
    return record;
  });
  if (nanCount > 0)
    warnings.push(`bench12.pkl holds ${nanCount} NaN values in accuracy, loss or time columns`);

  const long = convertLong(parsed.avgaccs200, hashes, warnings);
  const seeds = [...new Set(runs.map((run) => run.seed))].sort((a, b) => a - b);
  const metadata: BenchmarkMetadata = {
    formatVersion: FORMAT_VERSION,
    protocol: {
      ...PAPER_PROTOCOL,
      shortEpochs: epochs,
      seeds,
      dataSource: 'CIFAR-10 (runs of the paper, as published by its authors)',
    },
    provenance: {
      source:
        'official NAS-HPO-Bench-II data (bench12.pkl, cellinfo.pkl, avgaccs200.pkl) by Hirose, Yoshinari and Shirakawa (ACML 2021)',
      createdAt: options.createdAt ?? new Date().toISOString(),
      tool: '@nashpobench2/dataset importOfficial',
      parametersAndFlops:
        'computed analytically (search-space networkCost); the pickles are not read for them',
      longTraining:
        "avgaccs200.pkl 'avg_acc': the authors' surrogate prediction of the 200-epoch test accuracy, mean over seeds; stored as predicted, spread unknown (NaN)",
      lossColumns:
        lossPresent.length === lossNames.length
          ? 'imported'
          : `${lossPresent.length} of ${lossNames.length} present`,
      lastEpochCost: totalsPresent
        ? 'official totals (total_train_time, total_trainval_time, total_test_time)'
        : 'sums of per-epoch times',
      warnings,
      ...options.provenance,
    },
  };
  return { runs, long, metadata, warnings };
}

function convertLong(
  avgaccs200: PyValue,
  hashes: Map<string, HashInfo>,
  warnings: string[],
): LongRecord[] {
  const file = 'avgaccs200.pkl';
  const top = asDict(avgaccs200, file, 'the file');
  const averages = top.get('avg_acc');
  if (averages === undefined)
    fail(file, `lacks column 'avg_acc'; found: ${top.keys.map(describeValue).join(', ')}`);
  const others = top.keys.filter((key) => key !== 'avg_acc');
  if (others.length > 0)
    warnings.push(`avgaccs200.pkl columns not imported: ${others.map(describeValue).join(', ')}`);
  const column = asDict(averages, file, "column 'avg_acc'");
  const long: LongRecord[] = [];
  for (const position of column.index().values()) {
    const key = column.keys[position];
    const parsed = parseKey(key, 3, file, hashes);
    long.push({
      cellCode: parsed.hash.cellCode,
      classId: parsed.hash.classId,
      lr: parsed.lr,
      batchSize: parsed.batchSize,
      testAccuracy: asNumber(
        column.values[position],
        file,
        () => `'avg_acc' at key ${describeValue(key)}`,
      ),
      testAccuracyStd: Number.NaN,
      measured: false,
    });
  }
  return long;
}

/** Reads and converts the three official pickles (browser-safe; `importOfficial` reads a folder in Node). */
export function importOfficialPickles(
  files: OfficialPickles,
  options: OfficialImportOptions = {},
): OfficialImport {
  const parse = (name: string, bytes: Uint8Array) =>
    readPickle(bytes, {
      name,
      onProgress: (done, total) => options.onProgress?.(name, done, total),
    });
  const cellinfo = parse('cellinfo.pkl', files.cellinfo);
  const bench12 = parse('bench12.pkl', files.bench12);
  const avgaccs200 = parse('avgaccs200.pkl', files.avgaccs200);
  return convertOfficial({ bench12, cellinfo, avgaccs200 }, options);
}

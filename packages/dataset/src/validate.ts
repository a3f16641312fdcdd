import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  cellClasses,
  cellClassOf,
  HYPERPARAMETER_PAIR_COUNT,
  hyperparameterPairIndex,
  isCellCode,
  LEARNING_RATES,
} from '@nashpobench2/search-space';
import { parquetMetadata } from 'hyparquet';
import { Benchmark, type BenchmarkCoverage } from './benchmark.js';
import {
  type BenchmarkTables,
  pairValues,
  SLOT_MEASURED,
  SLOT_MISSING,
  TRAINING_COUNT,
} from './benchmark-tables.js';
import {
  KEY_COLUMNS,
  KIND_LONG,
  KIND_RUN,
  OPTIONAL_COLUMNS,
  protocolFingerprint,
  seriesColumn,
  seriesColumns,
} from './format.js';
import {
  type BenchmarkPart,
  type DecodedPart,
  decodePart,
  readBenchmarkParts,
} from './parquet-read.js';
import { MODES } from './types.js';

/** Options of `validateBenchmarkParts`. */
export interface ValidateOptions {
  /** Treat trainings, seeds or long values missing from the full grid as errors; default false (warnings). */
  complete?: boolean;
}

/** What `validateBenchmarkParts` found. */
export interface ValidationReport {
  /** True when there are no errors. */
  ok: boolean;
  /** Problems that make the benchmark wrong or unreadable, one line each. */
  errors: string[];
  /** Things worth knowing that do not make it wrong (a partial grid, NaN losses...). */
  warnings: string[];
  /** Part files read. */
  parts: number;
  /** Rows over all parts. */
  rows: number;
  /** Coverage of the grid, when the benchmark could be loaded. */
  coverage?: BenchmarkCoverage;
}

/** Counts occurrences of one kind of problem and keeps the first few examples. */
class Finding {
  count = 0;
  readonly examples: string[] = [];

  add(example: () => string): void {
    this.count += 1;
    if (this.examples.length < 3) this.examples.push(example());
  }

  report(into: string[], what: string): void {
    if (this.count === 0) return;
    const more = this.count > this.examples.length ? ', ...' : '';
    into.push(`${this.count} ${what} (${this.examples.join('; ')}${more})`);
  }
}

const PHYSICAL: Record<string, string> = { STRING: 'BYTE_ARRAY' };

function checkSchema(part: BenchmarkPart, errors: string[]): void {
  let footer: ReturnType<typeof parquetMetadata>;
  try {
    footer = parquetMetadata(part.bytes);
  } catch {
    return; // decodePart reports unreadable files
  }
  const types = new Map(footer.schema.map((element) => [element.name, element.type]));
  const expected: [string, string][] = [...KEY_COLUMNS, ...OPTIONAL_COLUMNS].map(([n, t]) => [
    n,
    t,
  ]);
  for (const [name, type] of expected) {
    const actual = types.get(name);
    const wanted = PHYSICAL[type] ?? type;
    if (actual !== undefined && actual !== wanted)
      errors.push(`${part.name}: column ${name} has type ${actual}; expected ${wanted}`);
  }
  const perEpoch = /_(accuracy|loss|seconds)(_std)?_\d+$/;
  for (const name of [...types.keys()].filter((n) => perEpoch.test(n))) {
    if (types.get(name) !== 'DOUBLE')
      errors.push(`${part.name}: column ${name} has type ${types.get(name)}; expected DOUBLE`);
  }
}

function checkKeys(parts: DecodedPart[], errors: string[], warnings: string[]): void {
  const invalid = new Finding();
  const duplicateRuns = new Finding();
  const duplicateLong = new Finding();
  const conflicting = new Finding();
  const unknownSeed = new Finding();
  const seenRun = new Map<string, string>();
  const seenLong = new Map<string, string>();
  const codeOf = new Map<number, string>();
  const protocolSeeds = new Set(parts[0].metadata.protocol.seeds);

  for (const part of parts) {
    const column = <T>(name: string) => part.columns.get(name) as unknown as T;
    const kind = column<Int32Array>('kind');
    const code = column<string[]>('cell_code');
    const classId = column<Int32Array>('class_id');
    const lr = column<Float64Array>('lr');
    const batch = column<Int32Array>('batch_size');
    const seed = column<Int32Array>('seed');
    for (let i = 0; i < part.rows; i++) {
      const where = `${part.name} row ${i}`;
      if (kind[i] !== KIND_RUN && kind[i] !== KIND_LONG) {
        invalid.add(() => `${where}: kind ${kind[i]}`);
        continue;
      }
      if (!isCellCode(code[i])) {
        invalid.add(() => `${where}: cell code '${code[i]}'`);
        continue;
      }
      const actual = cellClassOf(code[i]).id;
      if (actual !== classId[i])
        invalid.add(() => `${where}: class_id ${classId[i]} for ${code[i]} (class ${actual})`);
      if (!LEARNING_RATES.includes(lr[i]) || !BATCH_SIZES.includes(batch[i])) {
        invalid.add(() => `${where}: lr ${lr[i]}, batch size ${batch[i]} outside the grid`);
        continue;
      }
      const training =
        actual * HYPERPARAMETER_PAIR_COUNT + hyperparameterPairIndex(lr[i], batch[i]);
      const label = `${code[i]} lr ${lr[i]} batch size ${batch[i]}`;
      if (kind[i] === KIND_RUN) {
        const key = `${training}/${seed[i]}`;
        const first = seenRun.get(key);
        if (first) duplicateRuns.add(() => `${label} seed ${seed[i]} in ${first} and ${where}`);
        else seenRun.set(key, where);
        if (!protocolSeeds.has(seed[i])) unknownSeed.add(() => `${where}: seed ${seed[i]}`);
        const known = codeOf.get(training);
        if (known !== undefined && known !== code[i])
          conflicting.add(() => `${where}: ${code[i]} and ${known} trained for one class and pair`);
        codeOf.set(training, code[i]);
      } else {
        const first = seenLong.get(String(training));
        if (first) duplicateLong.add(() => `${label} in ${first} and ${where}`);
        else seenLong.set(String(training), where);
      }
    }
  }
  invalid.report(errors, 'rows with invalid keys');
  duplicateRuns.report(errors, 'duplicate runs');
  duplicateLong.report(errors, 'duplicate long values');
  conflicting.report(errors, 'trainings with two different cell codes');
  unknownSeed.report(warnings, "runs with a seed outside the protocol's seeds");
}

function checkValues(bench: Benchmark, errors: string[], warnings: string[]): void {
  const t = bench.tables;
  const E = t.epochs;
  const S = t.seeds.length;
  const describeSlot = (slot: number) => {
    const row = Math.floor(slot / S);
    const { lr, batchSize } = pairValues(t.trainingOfRow[row] % HYPERPARAMETER_PAIR_COUNT);
    return `${t.runCellCode[row]} lr ${lr} batch size ${batchSize} seed ${t.seeds[slot % S]}`;
  };
  const accuracy = new Finding();
  const seconds = new Finding();
  const loss = new Finding();
  const totals = new Finding();
  for (let slot = 0; slot < t.runState.length; slot++) {
    if (t.runState[slot] === SLOT_MISSING) continue;
    for (let m = 0; m < 3; m++) {
      for (let e = 0; e < E; e++) {
        const at = (slot * 3 + m) * E + e;
        const where = () => `${describeSlot(slot)} ${MODES[m]} epoch ${e + 1}`;
        const a = t.accuracy[at];
        if (!(a >= 0 && a <= 100)) accuracy.add(() => `${where()} = ${a}`);
        const s = t.seconds[at];
        if (!(s >= 0 && Number.isFinite(s))) seconds.add(() => `${where()} = ${s}`);
        const l = t.loss ? t.loss[at] : 0;
        // NaN = not recorded; predicted runs may leave losses out (a compact file), so only a
        // measured run's NaN loss (a diverged run) is worth a warning.
        const predicted = t.runState[slot] !== SLOT_MEASURED;
        if (l < 0 || (Number.isNaN(l) && !predicted)) loss.add(() => `${where()} = ${l}`);
      }
    }
    const [train, trainValid, test] = t.totals.subarray(slot * 3, slot * 3 + 3);
    if (!Number.isNaN(train) && !(train >= 0 && trainValid >= train && test >= 0))
      totals.add(() => `${describeSlot(slot)}: ${train}, ${trainValid}, ${test}`);
  }
  accuracy.report(errors, 'accuracies outside 0..100 %');
  seconds.report(errors, 'pass times that are negative or not finite');
  totals.report(
    errors,
    'recorded totals that are negative or out of order (train ≤ train + valid)',
  );
  loss.report(warnings, 'losses that are negative, or NaN in measured runs');
  checkOptionalSeries(t, describeSlot, errors, warnings);

  const longValue = new Finding();
  const longSpread = new Finding();
  const size = new Finding();
  for (let row = 0; row < t.trainingOfRow.length; row++) {
    const { lr, batchSize } = pairValues(t.trainingOfRow[row] % HYPERPARAMETER_PAIR_COUNT);
    const where = () =>
      `class ${Math.floor(t.trainingOfRow[row] / HYPERPARAMETER_PAIR_COUNT)} lr ${lr} batch size ${batchSize}`;
    if (t.longState[row] !== SLOT_MISSING) {
      const value = t.longAccuracy[row];
      if (!(value >= 0 && value <= 100)) longValue.add(() => `${where()} = ${value}`);
      if (t.longStd[row] < 0) longSpread.add(() => `${where()} = ${t.longStd[row]}`);
    }
    if (t.runCellCode[row] !== undefined && !(t.parameters[row] > 0 && t.flops[row] > 0))
      size.add(() => `${where()}: parameters ${t.parameters[row]}, FLOPs ${t.flops[row]}`);
  }
  longValue.report(errors, 'long-training accuracies outside 0..100 %');
  longSpread.report(errors, 'negative long-training spreads');
  size.report(warnings, 'trainings without positive parameters and FLOPs');
}

/**
 * Range checks of the optional per-epoch series where a run has values (NaN = unknown, allowed):
 * CPU seconds positive and finite, predicted spreads finite and ≥ 0; a measured run that carries
 * a predicted spread is only warned about.
 */
function checkOptionalSeries(
  t: BenchmarkTables,
  describeSlot: (slot: number) => string,
  errors: string[],
  warnings: string[],
): void {
  const E = t.epochs;
  const checks = [
    {
      series: 'cpu_seconds',
      values: t.cpuSeconds,
      ok: (v: number) => v > 0 && v < Number.POSITIVE_INFINITY,
      finding: new Finding(),
      what: 'CPU pass times that are not positive and finite',
    },
    {
      series: 'accuracy_std',
      values: t.accuracyStd,
      ok: (v: number) => v >= 0 && v < Number.POSITIVE_INFINITY,
      finding: new Finding(),
      what: 'accuracy spreads that are negative or infinite',
    },
    {
      series: 'seconds_std',
      values: t.secondsStd,
      ok: (v: number) => v >= 0 && v < Number.POSITIVE_INFINITY,
      finding: new Finding(),
      what: 'pass-time spreads that are negative or infinite',
    },
  ] as const;
  const measuredSpread = new Finding();
  for (const { series, values, ok, finding } of checks) {
    if (!values) continue;
    const spread = series !== 'cpu_seconds';
    for (let slot = 0; slot < t.runState.length; slot++) {
      const state = t.runState[slot];
      if (state === SLOT_MISSING) continue;
      for (let m = 0; m < 3; m++) {
        for (let e = 0; e < E; e++) {
          const value = values[(slot * 3 + m) * E + e];
          if (Number.isNaN(value)) continue;
          const where = () =>
            `${describeSlot(slot)} ${seriesColumn(MODES[m], series, e + 1)} = ${value}`;
          if (!ok(value)) finding.add(where);
          if (spread && state === SLOT_MEASURED) measuredSpread.add(where);
        }
      }
    }
  }
  for (const { finding, what } of checks) finding.report(errors, what);
  measuredSpread.report(warnings, 'predicted spreads on measured runs (expected NaN)');
}

function checkCoverage(
  bench: Benchmark,
  options: ValidateOptions,
  errors: string[],
  warnings: string[],
): void {
  const coverage = bench.coverage();
  const into = options.complete ? errors : warnings;
  const t = bench.tables;
  const missingTrainings = TRAINING_COUNT - coverage.trainings;
  if (missingTrainings > 0) {
    const example = firstMissingTraining(bench);
    into.push(
      `${missingTrainings} of ${TRAINING_COUNT} trainings (class × lr × batch size) have no run; ${coverage.classes} of ${CELL_CLASS_COUNT} classes present (first missing: ${example})`,
    );
  }
  const incomplete = coverage.trainings - coverage.completeTrainings;
  if (incomplete > 0)
    into.push(`${incomplete} trainings lack a run for some of the seeds ${t.seeds.join(', ')}`);
  const longMissing = TRAINING_COUNT - coverage.longRecords;
  if (longMissing > 0)
    into.push(`${longMissing} of ${TRAINING_COUNT} trainings have no long-training value`);
  const protocolSeeds = [...bench.protocol.seeds].sort((a, b) => a - b);
  if (protocolSeeds.join() !== t.seeds.join())
    warnings.push(
      `seeds in the runs (${t.seeds.join(', ')}) differ from the protocol's (${protocolSeeds.join(', ')})`,
    );
}

function firstMissingTraining(bench: Benchmark): string {
  const rowOf = bench.tables.rowOfTraining;
  for (let training = 0; training < TRAINING_COUNT; training++) {
    const row = rowOf[training];
    const S = bench.tables.seeds.length;
    const hasRun =
      row >= 0 &&
      bench.tables.runState.subarray(row * S, row * S + S).some((s) => s !== SLOT_MISSING);
    if (hasRun) continue;
    const classId = Math.floor(training / HYPERPARAMETER_PAIR_COUNT);
    const { lr, batchSize } = pairValues(training % HYPERPARAMETER_PAIR_COUNT);
    return `${cellClasses()[classId].representative} lr ${lr} batch size ${batchSize}`;
  }
  return 'none';
}

/**
 * Checks the part files of one benchmark: schema and metadata, keys (grid values, class ids,
 * duplicates), value ranges, and coverage of the grid. Never throws for bad data: every problem
 * becomes one line of the report.
 */
export async function validateBenchmarkParts(
  parts: readonly BenchmarkPart[],
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (parts.length === 0) {
    return {
      ok: false,
      errors: ['no benchmark part files (*.parquet) found'],
      warnings,
      parts: 0,
      rows: 0,
    };
  }
  const decoded: DecodedPart[] = [];
  for (const part of parts) {
    checkSchema(part, errors);
    try {
      decoded.push(await decodePart(part, {}));
    } catch (error) {
      errors.push((error as Error).message.replace(/^dataset: /, ''));
    }
  }
  const rows = decoded.reduce((sum, part) => sum + part.rows, 0);
  const report = (coverage?: BenchmarkCoverage): ValidationReport => ({
    ok: errors.length === 0,
    errors,
    warnings,
    parts: parts.length,
    rows,
    coverage,
  });
  if (decoded.length === 0) return report();

  const fingerprint = protocolFingerprint(decoded[0].metadata.protocol);
  for (const part of decoded.slice(1)) {
    if (protocolFingerprint(part.metadata.protocol) !== fingerprint)
      errors.push(`${part.name}: protocol differs from ${decoded[0].name}'s`);
  }
  for (const part of decoded) {
    const names = new Set(part.columns.keys());
    const missingSeries = seriesColumns('accuracy', part.metadata.protocol.shortEpochs).filter(
      (n) => !names.has(n),
    );
    if (missingSeries.length > 0) errors.push(`${part.name}: lacks ${missingSeries[0]}`);
  }
  checkKeys(decoded, errors, warnings);
  if (errors.length > 0) return report();

  let bench: Benchmark;
  try {
    const { tables, metadata } = await readBenchmarkParts(parts);
    bench = new Benchmark(tables, metadata);
  } catch (error) {
    errors.push((error as Error).message.replace(/^dataset: /, ''));
    return report();
  }
  checkValues(bench, errors, warnings);
  checkCoverage(bench, options, errors, warnings);
  return report(bench.coverage());
}

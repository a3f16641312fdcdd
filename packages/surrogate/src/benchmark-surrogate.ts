import {
  BATCH_SIZES,
  cellClassOf,
  InvalidArgumentError,
  LEARNING_RATES,
} from '@nashpobench2/search-space';
import { configurationOrdinal, type SecondsReport } from './complete-benchmark.js';
import { COST_MODES, type CostMode, CostModel, type CostModelFile } from './cost-model.js';
import type { CurveInput } from './features.js';
import { type LongFit, predictedCurveModel, type ShortFit } from './long-surrogate.js';
import { type SurrogateFile, surrogateFromJSON, surrogateToJSON } from './model-file.js';
import type { TargetReport } from './pipeline.js';
import type { ProtocolLike } from './records.js';
import { CURVE_FIELDS, type CurveField, configurationKey, curveInputOf } from './run-summary.js';
import { perSeedValue, seedDeviate, seedNoiseStd } from './seed-noise.js';
import type { Surrogate } from './surrogate.js';

/** Format tag of a benchmark surrogate file (every model behind one completed benchmark). */
export const BENCHMARK_SURROGATE_FORMAT = 'nhb-benchmark-surrogate';

/** Current layout version of the benchmark surrogate file. */
export const BENCHMARK_SURROGATE_VERSION = 1;

/** Where the training data of a surrogate came from. */
export interface SurrogateProvenance {
  /** Short description of the training data, e.g. a file path or 'synthetic'. */
  readonly source: string;
  /** True when the training data was synthetic (no real training behind the numbers). */
  readonly synthetic: boolean;
  /** ISO 8601 time of the fit. */
  readonly createdAt: string;
  /** Anything else worth keeping (tool version, command line, timings). */
  readonly [extra: string]: unknown;
}

/** The JSON file of a benchmark surrogate: short and long models, their tables, the protocol. */
export interface BenchmarkSurrogateFile {
  /** Always `BENCHMARK_SURROGATE_FORMAT`. */
  readonly format: typeof BENCHMARK_SURROGATE_FORMAT;
  /** `BENCHMARK_SURROGATE_VERSION`. */
  readonly formatVersion: number;
  /** Protocol of the training data (short and long epochs, network shape, seeds). */
  readonly protocol: ProtocolLike & Record<string, unknown>;
  /** Where the training data came from. */
  readonly provenance: SurrogateProvenance;
  /** Short-curve model (every field × epoch), with its seed-noise model. */
  readonly short: SurrogateFile;
  /** Long model taking the short curve as input; absent with too few long rows with curves. */
  readonly longWithCurve?: SurrogateFile;
  /** Std scale of `longWithCurve` for predicted curves (from the cascade's held-out errors). */
  readonly predictedCurveStdScale?: readonly number[];
  /** Model used when the curve is predicted: 'cascade' (curve model) or 'architecture'. */
  readonly predictedCurveSource: 'cascade' | 'architecture';
  /** Long model from architecture and hyperparameters only. */
  readonly longArchitecture: SurrogateFile;
  /** Held-out tables: short, long with measured curve, cascade, architecture only. */
  readonly reports: readonly TargetReport[];
  /**
   * The per-pass cost model, when the completion used it: the passes whose `secondsReport`
   * says `used: 'cost'` answer their seconds from it (as the completed table does).
   */
  readonly costModel?: CostModelFile;
  /** Held-out comparison of the cost model and the curve model's seconds. */
  readonly secondsReport?: SecondsReport;
}

const SECONDS_FIELD: Record<CostMode, CurveField> = {
  train: 'trainSeconds',
  valid: 'validSeconds',
  test: 'testSeconds',
};

/** One configuration to predict. */
export interface ConfigurationQuery {
  /** Any cell code `'A|BC|DEF'`; its class representative is what the models saw. */
  readonly cellCode: string;
  /** Learning rate, > 0 (the grid's values are what the models were trained on). */
  readonly lr: number;
  /** Batch size, > 0. */
  readonly batchSize: number;
  /** Training seed: adds a consistent per-seed value (same seed, same value). */
  readonly seed?: number;
  /** A measured short curve of this configuration, when known: sharpens the long prediction. */
  readonly curve?: CurveInput;
}

/** Predicted short curve of one field: per-epoch mean and spread. */
export interface CurvePrediction {
  /** Mean over seeds, per epoch (percent, mean cross-entropy or seconds). */
  readonly mean: number[];
  /** Predictive standard deviation of the mean, per epoch, same units. */
  readonly std: number[];
  /** Plausible values for the query's seed, per epoch; present when a seed was given. */
  readonly perSeed?: number[];
}

/** Everything predicted for one configuration. */
export interface ConfigurationPrediction {
  /** Cell code as queried. */
  readonly cellCode: string;
  /** Class representative, the code the data of this class was trained with. */
  readonly representative: string;
  /** Architecture class id, 0..1010. */
  readonly classId: number;
  /** Learning rate. */
  readonly lr: number;
  /** Batch size. */
  readonly batchSize: number;
  /** Long-training test accuracy, percent. */
  readonly long: {
    /** Mean over seeds, percent in [0, 100]. */
    readonly mean: number;
    /** Calibrated predictive standard deviation, percent points. */
    readonly std: number;
    /** Seed-to-seed standard deviation at this mean, percent points. */
    readonly seedStd: number;
    /** Plausible value for the query's seed; present when a seed was given. */
    readonly perSeed?: number;
    /** Which model answered: 'measured curve', 'cascade' or 'architecture'. */
    readonly source: 'measured curve' | 'cascade' | 'architecture';
  };
  /** Short-schedule curves (`protocol.shortEpochs` values per field). */
  readonly short: Record<CurveField, CurvePrediction>;
}

function checkFile(file: BenchmarkSurrogateFile): void {
  const ok =
    file?.format === BENCHMARK_SURROGATE_FORMAT &&
    file.formatVersion === BENCHMARK_SURROGATE_VERSION;
  if (!ok) {
    const isObject = typeof file === 'object' && file !== null && !Array.isArray(file);
    const shown = isObject
      ? `${file.format} v${JSON.stringify(file.formatVersion)}`
      : JSON.stringify(file);
    const allowed = `${BENCHMARK_SURROGATE_FORMAT} v${BENCHMARK_SURROGATE_VERSION}`;
    throw new InvalidArgumentError('surrogate', 'benchmark surrogate file', shown, allowed);
  }
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError('surrogate', name, value, 'finite numbers > 0');
  }
}

/**
 * The models behind a completed benchmark: predicts the short curves and the long-training
 * accuracy of any configuration, with calibrated spread and consistent per-seed values.
 * Browser-safe; `saveBenchmarkSurrogate`/`loadBenchmarkSurrogate` (node entry) handle files.
 */
export class BenchmarkSurrogate {
  /** The stored file. */
  readonly file: BenchmarkSurrogateFile;
  private readonly short: Surrogate;
  private readonly longWithCurve?: Surrogate;
  private readonly longPredicted: Surrogate;
  private readonly cost?: CostModel;
  /** Passes whose seconds come from the cost model. */
  private readonly costModes: readonly CostMode[];

  private constructor(file: BenchmarkSurrogateFile) {
    checkFile(file);
    this.file = file;
    if (file.costModel && file.secondsReport) {
      this.cost = CostModel.fromJSON(file.costModel);
      const report = file.secondsReport;
      this.costModes = COST_MODES.filter((mode) => report.modes[mode].used === 'cost');
    } else {
      this.costModes = [];
    }
    this.short = surrogateFromJSON(file.short);
    const architecture = surrogateFromJSON(file.longArchitecture);
    if (file.longWithCurve) this.longWithCurve = surrogateFromJSON(file.longWithCurve);
    const cascade =
      file.predictedCurveSource === 'cascade' && this.longWithCurve && file.predictedCurveStdScale;
    this.longPredicted = cascade
      ? (this.longWithCurve as Surrogate).with({ stdScale: file.predictedCurveStdScale })
      : architecture;
  }

  /** Builds the surrogate from fitted short and long models. */
  static fromFit(
    short: ShortFit,
    long: LongFit,
    protocol: ProtocolLike & Record<string, unknown>,
    provenance: SurrogateProvenance,
    seconds?: { costModel: CostModel; secondsReport: SecondsReport },
  ): BenchmarkSurrogate {
    const predicted = predictedCurveModel(long);
    const reports = [
      short.report,
      long.withCurve?.report,
      long.cascade,
      long.architectureOnly.report,
    ].filter((r): r is TargetReport => r !== undefined);
    return new BenchmarkSurrogate({
      format: BENCHMARK_SURROGATE_FORMAT,
      formatVersion: BENCHMARK_SURROGATE_VERSION,
      protocol: { ...protocol },
      provenance,
      short: surrogateToJSON(short.surrogate),
      longWithCurve: long.withCurve ? surrogateToJSON(long.withCurve.surrogate) : undefined,
      predictedCurveStdScale: long.withPredictedCurve?.parts.stdScale,
      predictedCurveSource: predicted.source === 'cascade' ? 'cascade' : 'architecture',
      longArchitecture: surrogateToJSON(long.architectureOnly.surrogate),
      reports,
      ...(seconds
        ? { costModel: seconds.costModel.toJSON(), secondsReport: seconds.secondsReport }
        : {}),
    });
  }

  /** Rebuilds a surrogate from its file (object or JSON text). */
  static fromJSON(input: BenchmarkSurrogateFile | string): BenchmarkSurrogate {
    const file = typeof input === 'string' ? JSON.parse(input) : input;
    return new BenchmarkSurrogate(file as BenchmarkSurrogateFile);
  }

  /** The file, ready for `JSON.stringify`. */
  toJSON(): BenchmarkSurrogateFile {
    return this.file;
  }

  /** Held-out tables of every model (what `nhb surrogate eval` prints). */
  get reports(): readonly TargetReport[] {
    return this.file.reports;
  }

  /** Protocol of the training data. */
  get protocol(): ProtocolLike & Record<string, unknown> {
    return this.file.protocol;
  }

  /** Predicts the short curves and the long accuracy of configurations. */
  predict(queries: readonly ConfigurationQuery[]): ConfigurationPrediction[] {
    const epochs = this.file.protocol.shortEpochs;
    const resolved = queries.map((query) => {
      checkPositive('lr', query.lr);
      checkPositive('batchSize', query.batchSize);
      const cellClass = cellClassOf(query.cellCode);
      const onGrid = LEARNING_RATES.includes(query.lr) && BATCH_SIZES.includes(query.batchSize);
      // The completed table draws its per-seed deviates with the same key.
      const key = onGrid
        ? configurationOrdinal(cellClass.id, query.lr, query.batchSize)
        : configurationKey(cellClass.id, query.lr, query.batchSize);
      const input = {
        cellCode: cellClass.representative,
        lr: query.lr,
        batchSize: query.batchSize,
      };
      return { query, cellClass, key, input };
    });

    const shortPrediction = this.short.predictInputs(resolved.map((r) => r.input));
    return resolved.map(({ query, cellClass, key, input }, i) => {
      const curveMean = shortPrediction.mean[i];
      const curveStd = shortPrediction.std[i];
      // Passes answered by the cost model, as in the completed table (no seed noise on them).
      for (const mode of this.costModes) {
        const model = this.cost as CostModel;
        const start = CURVE_FIELDS.indexOf(SECONDS_FIELD[mode]) * epochs;
        curveMean.set(model.predict(cellClass.representative, query.batchSize, mode), start);
        curveStd.set(model.modes[mode].spread, start);
      }
      const measuredCurve = query.curve !== undefined && this.longWithCurve !== undefined;
      const model = measuredCurve ? (this.longWithCurve as Surrogate) : this.longPredicted;
      const curve = query.curve ?? curveInputOf(curveMean, epochs);
      const longPrediction = model.predictInputs([{ ...input, curve }]);
      const mean = longPrediction.mean[0][0];
      const longNoise = model.parts.seedNoise;
      const seedStd = longNoise ? seedNoiseStd(longNoise, 0, mean) : 0;
      const perSeed =
        query.seed === undefined || !longNoise
          ? undefined
          : perSeedValue(longNoise, 0, mean, seedDeviate(key, query.seed, 'long'));
      const source = measuredCurve
        ? 'measured curve'
        : this.file.predictedCurveSource === 'cascade'
          ? 'cascade'
          : 'architecture';
      return {
        cellCode: query.cellCode,
        representative: cellClass.representative,
        classId: cellClass.id,
        lr: query.lr,
        batchSize: query.batchSize,
        long: { mean, std: longPrediction.std[0][0], seedStd, perSeed, source },
        short: this.curves(curveMean, curveStd, key, query.seed),
      };
    });
  }

  private curves(
    mean: Float64Array,
    std: Float64Array,
    key: string | number,
    seed: number | undefined,
  ): Record<CurveField, CurvePrediction> {
    const epochs = this.file.protocol.shortEpochs;
    const noise = this.short.parts.seedNoise;
    const entries = CURVE_FIELDS.map((field, f) => {
      const at = (e: number) => f * epochs + e;
      const indices = Array.from({ length: epochs }, (_, e) => at(e));
      const z = seed === undefined ? 0 : seedDeviate(key, seed, field);
      const costField = this.costModes.some((mode) => SECONDS_FIELD[mode] === field);
      const perSeed =
        seed === undefined
          ? undefined
          : indices.map((j) =>
              noise && !costField ? perSeedValue(noise, j, mean[j], z) : mean[j],
            );
      const curve: CurvePrediction = {
        mean: indices.map((j) => mean[j]),
        std: indices.map((j) => std[j]),
        ...(perSeed ? { perSeed } : {}),
      };
      return [field, curve] as const;
    });
    return Object.fromEntries(entries) as Record<CurveField, CurvePrediction>;
  }
}

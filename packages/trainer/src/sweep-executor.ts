import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BenchmarkMetadata,
  FORMAT_VERSION,
  type LongRecord,
  type RunRecord,
} from '@nashpobench2/dataset';
import { writeBenchmark, writeFileAtomic } from '@nashpobench2/dataset/node';
import { cellClassOf } from '@nashpobench2/search-space';
import { type BackendChoice, type BackendSelection, selectBackend } from './backend.js';
import type { PreparedData } from './prepare-data.js';
import { loadPreparedData } from './prepared-cache.js';
import type { TrainerProtocol } from './protocol.js';
import type { SweepTask } from './sweep-plan.js';
import { type EpochMetrics, trainRun } from './train-run.js';

/** Version of this package written into the provenance of every part file. */
export const TRAINER_VERSION = '0.1.0';

/** Everything a process needs to train tasks of one sweep (plain data: sent to workers). */
export interface SweepConfig {
  /** The protocol as given (the applied one, with split and data source, is recorded). */
  readonly protocol: TrainerProtocol;
  /** CIFAR-10 archive or folder. */
  readonly dataPath: string;
  /** Output folder of part files. */
  readonly out: string;
  /** 'short' = protocol.shortEpochs per run, stored as runs; 'long' = `longEpochs`, stored as long values. */
  readonly schedule: 'short' | 'long';
  /** Backend to select in each process. */
  readonly backend: BackendChoice;
  /** Records per CIFAR batch file to accept (null: any; fixtures); default 10,000. */
  readonly recordsPerFile?: number | null;
  /** Folder of the prepared-data cache; default `<out>/.cache`. */
  readonly cacheDir?: string;
}

/** Result of one finished unit of a sweep. */
export interface UnitResult {
  /** Part file written. */
  readonly path: string;
  /** Final valid accuracy (short) or mean final test accuracy (long), percent. */
  readonly accuracy: number;
  /** Wall seconds of the unit. */
  readonly seconds: number;
}

/** File-name form of a cell code: '0|10|210' → '0-10-210'. */
function slug(cellCode: string): string {
  return cellCode.replaceAll('|', '-');
}

/** Name of the part file of a finished short run. */
export function runPartName(task: SweepTask): string {
  return `run-${slug(task.cellCode)}-lr${task.lr}-bs${task.batchSize}-s${task.seed}.parquet`;
}

/** Name of the part file of a configuration's long value. */
export function longPartName(task: Pick<SweepTask, 'cellCode' | 'lr' | 'batchSize'>): string {
  return `long-${slug(task.cellCode)}-lr${task.lr}-bs${task.batchSize}.parquet`;
}

/** Parses a part name written by this package back into its key, or null. */
export function parsePartName(
  name: string,
): { kind: 'run' | 'long'; cellCode: string; lr: number; batchSize: number; seed?: number } | null {
  const match =
    /^(run|long)-([0-3])-([0-3]{2})-([0-3]{3})-lr([0-9.e-]+)-bs(\d+)(?:-s(\d+))?\.parquet$/.exec(
      name,
    );
  if (!match) return null;
  const [, kind, a, b, c, lr, batchSize, seed] = match;
  if ((kind === 'run') !== (seed !== undefined)) return null;
  return {
    kind: kind as 'run' | 'long',
    cellCode: `${a}|${b}|${c}`,
    lr: Number(lr),
    batchSize: Number(batchSize),
    seed: seed === undefined ? undefined : Number(seed),
  };
}

/** The protocol a sweep records: long sweeps of a custom length record it as `longEpochs`. */
export function effectiveProtocol(protocol: TrainerProtocol, longEpochs?: number): TrainerProtocol {
  return longEpochs === undefined ? protocol : { ...protocol, longEpochs };
}

/** Trains the units of a sweep in this process (the in-process runner and each worker use it). */
export class SweepExecutor {
  private data: PreparedData | null = null;
  selection: BackendSelection | null = null;

  constructor(readonly config: SweepConfig) {}

  /** Selects the backend and loads the prepared data; returns the backend selection. */
  async init(): Promise<BackendSelection> {
    const { config } = this;
    this.selection = await selectBackend(config.backend);
    this.data = await loadPreparedData(config.dataPath, config.protocol, {
      cacheDir: config.cacheDir ?? join(config.out, '.cache'),
      recordsPerFile: config.recordsPerFile,
    });
    await mkdir(config.out, { recursive: true });
    return this.selection;
  }

  private metadata(): BenchmarkMetadata {
    const data = this.data as PreparedData;
    return {
      formatVersion: FORMAT_VERSION,
      protocol: data.protocol,
      provenance: {
        source: `trained by nhb train (@nashpobench2/trainer ${TRAINER_VERSION})`,
        createdAt: new Date().toISOString(),
        tool: `@nashpobench2/trainer ${TRAINER_VERSION}`,
        backend: this.selection?.backend,
        device: this.selection?.device,
      },
    };
  }

  private async train(
    task: SweepTask,
    epochs: number,
    onEpoch?: (metrics: EpochMetrics, epochs: number) => void,
  ): Promise<RunRecord> {
    if (!this.data || !this.selection) throw new Error('SweepExecutor.init() was not awaited');
    return trainRun({
      data: this.data,
      cellCode: task.cellCode,
      lr: task.lr,
      batchSize: task.batchSize,
      seed: task.seed,
      epochs,
      backend: this.selection.backend,
      device: this.selection.device,
      onEpochEnd: (metrics) => onEpoch?.(metrics, epochs),
    });
  }

  /** Trains one short run and writes it as its own part file, atomically. */
  async runShort(
    task: SweepTask,
    onEpoch?: (metrics: EpochMetrics, epochs: number) => void,
  ): Promise<UnitResult> {
    const started = performance.now();
    const record = await this.train(task, this.config.protocol.shortEpochs, onEpoch);
    const path = join(this.config.out, runPartName(task));
    await writeBenchmark(path, [record], [], this.metadata());
    const accuracy = record.validAccuracy[record.validAccuracy.length - 1];
    return { path, accuracy, seconds: (performance.now() - started) / 1000 };
  }

  /**
   * Trains one configuration with the long schedule for each of `seeds` (a finished seed is kept
   * in `long-runs/` as JSON with its whole curve and reused), then writes the configuration's long
   * value (mean and sample std of the final test accuracy over the seeds) as a part file.
   */
  async runLong(
    task: Pick<SweepTask, 'cellCode' | 'lr' | 'batchSize'>,
    seeds: readonly number[],
    onEpoch?: (metrics: EpochMetrics, epochs: number, seed: number) => void,
  ): Promise<UnitResult> {
    const started = performance.now();
    const epochs = this.config.protocol.longEpochs;
    const finals: number[] = [];
    for (const seed of seeds) {
      const full = { ...task, seed };
      const curvePath = join(
        this.config.out,
        'long-runs',
        runPartName(full).replace(/\.parquet$/, '.json'),
      );
      const saved = await readFile(curvePath, 'utf8').catch(() => null);
      let record: RunRecord;
      if (saved) {
        record = JSON.parse(saved).record as RunRecord;
      } else {
        record = await this.train(full, epochs, (metrics) => onEpoch?.(metrics, epochs, seed));
        const text = JSON.stringify({ protocol: this.data?.protocol, epochs, record });
        await writeFileAtomic(curvePath, new TextEncoder().encode(text));
      }
      finals.push(record.testAccuracy[record.testAccuracy.length - 1]);
    }
    const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
    const variance =
      finals.length > 1
        ? finals.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (finals.length - 1)
        : Number.NaN;
    const long: LongRecord = {
      cellCode: task.cellCode,
      classId: cellClassOf(task.cellCode).id,
      lr: task.lr,
      batchSize: task.batchSize,
      testAccuracy: mean,
      testAccuracyStd: Math.sqrt(variance),
      measured: true,
      seeds: [...seeds],
    };
    const path = join(this.config.out, longPartName(task));
    await writeBenchmark(path, [], [long], this.metadata());
    return { path, accuracy: mean, seconds: (performance.now() - started) / 1000 };
  }
}

/**
 * `pnpm bench`: load time of a full-size synthetic benchmark (1,011 classes × 48 pairs × 3 seeds
 * = 145,584 runs × 12 epochs) from Parquet, and random queries per second. Prints a report.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CONFIGURATION_COUNT, configAt, createRng } from '@nashpobench2/search-space';
import { Benchmark, type Mode, makeSyntheticRecords } from '../src/index.js';
import { NODE_COMPRESSORS, writeBenchmarkFile } from '../src/node.js';

const QUERY_COUNT = 2_000_000;
const OBJECT_QUERY_COUNT = 300_000;
const LOAD_REPEATS = 3;

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'nhb-bench-'));
  try {
    let start = performance.now();
    const data = makeSyntheticRecords();
    const generateSeconds = seconds(start);
    start = performance.now();
    const bench = Benchmark.fromRecords(data.runs, data.long, data.metadata);
    const fromRecordsSeconds = seconds(start);
    console.log(
      `runs ${data.runs.length}, long ${data.long.length}; generate ${generateSeconds.toFixed(2)} s, fromRecords ${fromRecordsSeconds.toFixed(2)} s`,
    );

    const codecs = (process.env.NHB_BENCH_CODECS ?? 'SNAPPY,GZIP,UNCOMPRESSED').split(',') as (
      | 'SNAPPY'
      | 'GZIP'
      | 'UNCOMPRESSED'
    )[];
    let opened: Benchmark | undefined;
    for (const codec of codecs) {
      const path = join(folder, `${codec}.parquet`);
      start = performance.now();
      await writeBenchmarkFile(path, bench, { codec, compressors: NODE_COMPRESSORS });
      const writeSeconds = seconds(start);
      const size = (await stat(path)).size;
      for (const columns of ['all', 'query'] as const) {
        const times: number[] = [];
        for (let r = 0; r < LOAD_REPEATS; r++) {
          start = performance.now();
          opened = await Benchmark.open(path, { columns });
          times.push(seconds(start));
        }
        console.log(
          `${codec.padEnd(12)} ${(size / 2 ** 20).toFixed(1)} MiB, write ${writeSeconds.toFixed(2)} s, load (${columns}) median of ${LOAD_REPEATS}: ${median(times).toFixed(3)} s`,
        );
      }
    }

    const target = opened ?? bench;
    const rng = createRng(42);
    const indices = new Int32Array(QUERY_COUNT);
    const modes: Mode[] = ['train', 'valid', 'test'];
    const modeOf = new Uint8Array(QUERY_COUNT);
    const epochOf = new Uint8Array(QUERY_COUNT);
    for (let i = 0; i < QUERY_COUNT; i++) {
      indices[i] = rng.int(CONFIGURATION_COUNT);
      modeOf[i] = rng.int(3);
      epochOf[i] = 1 + rng.int(12);
    }
    for (const seed of [555, undefined]) {
      let sink = 0;
      start = performance.now();
      for (let i = 0; i < QUERY_COUNT; i++) {
        const mode = modes[modeOf[i]];
        sink +=
          target.accuracyAt(indices[i], mode, epochOf[i], seed) +
          target.costAt(indices[i], mode, epochOf[i], seed);
      }
      const rate = QUERY_COUNT / seconds(start);
      console.log(
        `fast path accuracyAt+costAt, seed ${seed ?? 'mean'}: ${(rate / 1e6).toFixed(2)} M queries/s (checksum ${sink.toFixed(0)})`,
      );
    }

    const keys = Array.from({ length: OBJECT_QUERY_COUNT }, (_, i) => configAt(indices[i]));
    let sink = 0;
    start = performance.now();
    for (let i = 0; i < OBJECT_QUERY_COUNT; i++) {
      sink += target.query(keys[i], {
        mode: modes[modeOf[i]],
        iepoch: epochOf[i],
        seed: 555,
      }).accuracy;
    }
    const rate = OBJECT_QUERY_COUNT / seconds(start);
    console.log(
      `query(key, options) with cell-code strings, seed 555: ${(rate / 1e6).toFixed(2)} M queries/s (checksum ${sink.toFixed(0)})`,
    );
    console.log(
      `machine: ${process.platform} ${process.arch}, Node ${process.version}, ${new Date().toISOString()}`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

await main();

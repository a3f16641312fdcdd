/**
 * Child process of `load-and-query.ts`: opens one benchmark file several times in a fresh process
 * and prints {wall, cpu} seconds of each open as JSON. Usage: open-file.ts <path> <columns> <repeats>
 */
import { performance } from 'node:perf_hooks';
import {
  CONFIGURATION_COUNT,
  type ConfigKey,
  configAt,
  createRng,
} from '@nashpobench2/search-space';
import { Benchmark, type Mode } from '../src/index.js';
import '../src/node.js';

const MODES: Mode[] = ['train', 'valid', 'test'];

/** Wall and CPU seconds of 'one official query' (accuracy and cost) for each prepared key. */
function measureFastPath(
  target: Benchmark,
  indices: Int32Array,
  modeOf: Uint8Array,
  epochOf: Uint8Array,
  seed: number | undefined,
): { sink: number; wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let sink = 0;
  for (let i = 0; i < indices.length; i++) {
    const mode = MODES[modeOf[i]];
    sink += target.accuracyAt(indices[i], mode, epochOf[i], seed);
    sink += target.costAt(indices[i], mode, epochOf[i], seed);
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { sink, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** Wall and CPU seconds of `query(key, options)` with cell-code strings. */
function measureObjectQueries(
  target: Benchmark,
  keys: ConfigKey[],
  modeOf: Uint8Array,
  epochOf: Uint8Array,
): { sink: number; wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let sink = 0;
  for (let i = 0; i < keys.length; i++) {
    sink += target.query(keys[i], {
      mode: MODES[modeOf[i]],
      iepoch: epochOf[i],
      seed: 555,
    }).accuracy;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { sink, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

const [path, columns = 'query', repeats = '5', queryCount = '0', objectQueryCount = '0'] =
  process.argv.slice(2);
const opens: { wall: number; cpu: number }[] = [];
for (let r = 0; r < Number(repeats); r++) {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await Benchmark.open(path, { columns: columns as 'query' | 'all' });
  const cpu = process.cpuUsage(cpu0);
  opens.push({ wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
}
const count = Number(queryCount);
if (count > 0) {
  const target = await Benchmark.open(path, { columns: 'query' });
  const rng = createRng(42);
  const indices = new Int32Array(count);
  const modeOf = new Uint8Array(count);
  const epochOf = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    indices[i] = rng.int(CONFIGURATION_COUNT);
    modeOf[i] = rng.int(3);
    epochOf[i] = 1 + rng.int(12);
  }
  const rate = (n: number, seconds: number) => (n / seconds / 1e6).toFixed(2);
  for (const seed of [555, undefined]) {
    const run = measureFastPath(target, indices, modeOf, epochOf, seed);
    console.log(
      `accuracyAt + costAt (one official query), ${count} random keys, seed ${seed ?? 'mean'}: ${rate(count, run.wall)} M/s by wall, ${rate(count, run.cpu)} M/s by cpu (checksum ${run.sink.toFixed(0)})`,
    );
  }
  const objectCount = Number(objectQueryCount);
  const keys = Array.from({ length: objectCount }, (_, i) => configAt(indices[i]));
  const objects = measureObjectQueries(target, keys, modeOf, epochOf);
  console.log(
    `query(key, options) with cell-code strings, ${objectCount} random keys, seed 555: ${rate(objectCount, objects.wall)} M/s by wall, ${rate(objectCount, objects.cpu)} M/s by cpu (checksum ${objects.sink.toFixed(0)})`,
  );
}
console.log(JSON.stringify(opens));

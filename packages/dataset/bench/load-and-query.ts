/**
 * `pnpm bench`: load time of a full-size synthetic benchmark (1,011 classes × 48 pairs × 3 seeds
 * = 145,584 runs × 12 epochs) from Parquet, and random queries per second. Prints a report.
 *
 * Both wall time and this process's CPU time are reported: on a shared machine the wall time
 * includes waiting for a core, the CPU time does not. Set NHB_BENCH_CODECS=SNAPPY to shorten it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { classIdsByCellIndex } from '@nashpobench2/search-space';
import { Benchmark, makeSyntheticRecords } from '../src/index.js';
import { NODE_COMPRESSORS, writeBenchmarkFile } from '../src/node.js';

const QUERY_COUNT = 3_000_000;
const OBJECT_QUERY_COUNT = 300_000;
const LOAD_REPEATS = 5;

/** Wall and CPU seconds of `work`. */
async function timed<T>(
  work: () => T | Promise<T>,
): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { value, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const load = () => loadavg()[0].toFixed(1);

/** Opens `path` `repeats` times in a new Node process; wall and CPU seconds of each open. */
function openInFreshProcess(
  path: string,
  columns: string,
  repeats: number,
): { wall: number; cpu: number }[] {
  const script = fileURLToPath(new URL('./open-file.ts', import.meta.url));
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', script, path, columns, String(repeats)],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(output.trim().split('\n').at(-1) as string);
}

/** Runs the query measurements of `open-file.ts` in a new Node process; its report lines. */
function queryInFreshProcess(path: string, queries: number, objectQueries: number): string[] {
  const script = fileURLToPath(new URL('./open-file.ts', import.meta.url));
  const args = [
    '--import',
    'tsx',
    script,
    path,
    'query',
    '1',
    String(queries),
    String(objectQueries),
  ];
  const output = execFileSync(process.execPath, args, { encoding: 'utf8' });
  return output.trim().split('\n').slice(0, -1);
}

type Codec = 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';

/** Generates the full synthetic benchmark and writes it once per codec; the records are dropped after. */
async function writeFullBenchmark(
  folder: string,
): Promise<{ codec: Codec; path: string; bytes: number; writeSeconds: number }[]> {
  const data = await timed(() => makeSyntheticRecords());
  const built = await timed(() =>
    Benchmark.fromRecords(data.value.runs, data.value.long, data.value.metadata),
  );
  console.log(
    `runs ${data.value.runs.length}, long values ${data.value.long.length}; generate ${data.wall.toFixed(2)} s, fromRecords ${built.wall.toFixed(2)} s`,
  );
  const codecs = (process.env.NHB_BENCH_CODECS ?? 'SNAPPY,GZIP,UNCOMPRESSED').split(',') as Codec[];
  const files = [];
  for (const codec of codecs) {
    const path = join(folder, `${codec}.parquet`);
    const write = await timed(() =>
      writeBenchmarkFile(path, built.value, { codec, compressors: NODE_COMPRESSORS }),
    );
    files.push({ codec, path, bytes: (await stat(path)).size, writeSeconds: write.wall });
  }
  return files;
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, Node ${process.version}, load average ${load()}, ${new Date().toISOString()}`,
  );
  // One-time cost of any process: the 4,096 cells' equivalence classes (search-space).
  const classes = await timed(() => classIdsByCellIndex());
  console.log(
    `equivalence classes of the 4,096 cells, once per process: wall ${classes.wall.toFixed(3)} s, cpu ${classes.cpu.toFixed(3)} s`,
  );

  const folder = await mkdtemp(join(tmpdir(), 'nhb-bench-'));
  try {
    const files = await writeFullBenchmark(folder);
    for (const file of files) {
      for (const columns of ['query', 'all'] as const) {
        // A fresh process per measurement: the first open there includes one-time costs
        // (module start, the cells' equivalence classes), the later ones do not.
        const opens = openInFreshProcess(file.path, columns, LOAD_REPEATS);
        const later = opens.slice(1);
        console.log(
          `${file.codec.padEnd(12)} ${(file.bytes / 2 ** 20).toFixed(1)} MiB (write ${file.writeSeconds.toFixed(1)} s), open columns '${columns}' in a fresh process: first wall ${opens[0].wall.toFixed(3)} s / cpu ${opens[0].cpu.toFixed(3)} s; later opens median wall ${median(later.map((o) => o.wall)).toFixed(3)} s / cpu ${median(later.map((o) => o.cpu)).toFixed(3)} s (min wall ${Math.min(...later.map((o) => o.wall)).toFixed(3)} s); load average ${load()}`,
        );
      }
    }
    // Queries also run in a fresh process: this one holds the generated records, whose
    // collection by background GC threads would be counted in its CPU time.
    const queries = queryInFreshProcess(files[0].path, QUERY_COUNT, OBJECT_QUERY_COUNT);
    for (const line of queries) console.log(line);
    console.log(`load average at the end ${load()}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

await main();

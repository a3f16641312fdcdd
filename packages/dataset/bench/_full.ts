import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { Benchmark, makeSyntheticRecords } from '../src/index.js';
import { writeBenchmarkFile } from '../src/node.js';
const path = '/tmp/nhb-full.parquet';
if (!existsSync(path)) {
  const d = makeSyntheticRecords();
  await writeBenchmarkFile(path, Benchmark.fromRecords(d.runs, d.long, d.metadata));
}
Benchmark.fromRecords([], [], (await import('../src/synthetic.js')).makeSyntheticRecords({ classes: [1] }).metadata);
for (const columns of ['all', 'query', 'all'] as const) {
  const c0 = process.cpuUsage(); const t = performance.now();
  await Benchmark.open(path, { columns });
  const c = process.cpuUsage(c0);
  console.log(columns, 'wall', (performance.now() - t).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
}

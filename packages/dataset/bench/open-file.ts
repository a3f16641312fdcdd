/**
 * Child process of `load-and-query.ts`: opens one benchmark file several times in a fresh process
 * and prints {wall, cpu} seconds of each open as JSON. Usage: open-file.ts <path> <columns> <repeats>
 */
import { performance } from 'node:perf_hooks';
import { Benchmark } from '../src/index.js';
import '../src/node.js';

const [path, columns = 'query', repeats = '5'] = process.argv.slice(2);
const opens: { wall: number; cpu: number }[] = [];
for (let r = 0; r < Number(repeats); r++) {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await Benchmark.open(path, { columns: columns as 'query' | 'all' });
  const cpu = process.cpuUsage(cpu0);
  opens.push({ wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
}
console.log(JSON.stringify(opens));

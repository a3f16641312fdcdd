// Runs the sweep described by the JSON in argv[2] (SweepOptions without callbacks); used by
// sweep-runner.test.ts, which kills this process part-way.
import { runSweep, type SweepOptions } from '../sweep-runner.js';

const options = JSON.parse(process.argv[2]) as SweepOptions;
await runSweep(options);

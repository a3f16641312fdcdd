import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerAnalyze } from './analyze.js';
import { registerCompare } from './compare.js';
import { registerData } from './data.js';
import { registerDataset } from './dataset.js';
import { registerOptimizers } from './optimizers.js';
import { registerQuery } from './query.js';
import { registerRun } from './run.js';
import { registerSpace } from './space.js';
import { registerSurrogate } from './surrogate.js';
import { registerTrain } from './train.js';
import { registerWeb } from './web.js';

/** Every command's registration; a new command adds one line here. */
export const COMMANDS: readonly ((program: Command, io: CliIO) => void)[] = [
  registerSpace,
  registerQuery,
  registerDataset,
  registerWeb,
  registerRun,
  registerCompare,
  registerOptimizers,
  registerAnalyze,
  registerSurrogate,
  registerTrain,
  registerData,
];

import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerSpace } from './space.js';
import { registerWeb } from './web.js';

/** Every command's registration; a new command adds one line here. */
export const COMMANDS: readonly ((program: Command, io: CliIO) => void)[] = [
  registerSpace,
  registerWeb,
];

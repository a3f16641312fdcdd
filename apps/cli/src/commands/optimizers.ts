import { OPTIMIZERS } from '@nashpobench2/optimizers';
import type { Command } from 'commander';
import { type CliIO, printJson } from '../io.js';

/** `nhb optimizers`: every optimizer id with its default settings. */
export function registerOptimizers(program: Command, io: CliIO): void {
  program
    .command('optimizers')
    .description('list the optimizers with their default settings')
    .option('--json', 'an array of {"id", "settings"}')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        const list = OPTIMIZERS.map((o) => ({
          id: o.id,
          paper: o.paper,
          description: o.description,
          settings: o.defaults,
        }));
        return printJson(io, list);
      }
      for (const optimizer of OPTIMIZERS) {
        const tag = optimizer.paper ? 'paper' : 'extra';
        io.out(`${optimizer.id.padEnd(24)} ${tag}  ${optimizer.description}`);
        const settings = Object.entries(optimizer.defaults)
          .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('/') : value}`)
          .join(' ');
        io.out(`${''.padEnd(24)}        ${settings}`);
      }
    });
}

import {
  BATCH_SIZES,
  CELL_CLASS_COUNT,
  CELL_CODE_COUNT,
  CONFIGURATION_COUNT,
  cellClasses,
  cellClassOf,
  HYPERPARAMETER_PAIR_COUNT,
  LEARNING_RATES,
  type NetworkShape,
  networkCost,
  OPERATION_NAMES,
  parseCellCode,
  validateCellCode,
} from '@nashpobench2/search-space';
import type { Command } from 'commander';
import { type CliIO, printJson, UsageError } from '../io.js';
import { parseIntegerOption } from '../options.js';

/** `nhb space`: sizes of the search space, its classes, and facts about one cell. */
export function registerSpace(program: Command, io: CliIO): void {
  const space = program
    .command('space')
    .description('sizes of the search space (cells, classes, hyperparameters, configurations)')
    .enablePositionalOptions()
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => {
      const summary = {
        cells: CELL_CODE_COUNT,
        classes: CELL_CLASS_COUNT,
        learningRates: [...LEARNING_RATES],
        batchSizes: [...BATCH_SIZES],
        configurations: CONFIGURATION_COUNT,
        distinctTrainings: CELL_CLASS_COUNT * HYPERPARAMETER_PAIR_COUNT,
      };
      if (options.json) return printJson(io, summary);
      io.out(`cell codes            ${summary.cells} (6 edges × 4 operations)`);
      io.out(`equivalence classes   ${summary.classes}`);
      io.out(`learning rates        ${summary.learningRates.join(', ')}`);
      io.out(`batch sizes           ${summary.batchSizes.join(', ')}`);
      io.out(`configurations        ${summary.configurations} (cells × 48 pairs)`);
      io.out(`distinct trainings    ${summary.distinctTrainings} (classes × 48 pairs)`);
    });

  space
    .command('classes')
    .description('every class of equivalent cells with its representative and members')
    .option('--json', 'one JSON object per line')
    .action((options: { json?: boolean }) => {
      for (const cls of cellClasses()) {
        if (options.json) {
          printJson(io, { id: cls.id, representative: cls.representative, members: cls.members });
        } else {
          io.out(
            `${cls.id}\t${cls.representative}\t${cls.members.length}\t${cls.members.join(' ')}`,
          );
        }
      }
    });

  space
    .command('cell <code>')
    .description('class, representative, parameter count and FLOPs of a cell')
    .option('--stem-channels <n>', 'channels of the stem and first stage', '16')
    .option('--cells-per-stage <n>', 'cells per stage', '5')
    .option('--input-size <px>', 'input height and width in pixels', '32')
    .option('--json', 'machine-readable output')
    .action((code: string, options: Record<string, string | boolean>) => {
      validateCellCode(code);
      const shape: NetworkShape = {
        stemChannels: parseIntegerOption('--stem-channels', options.stemChannels as string),
        cellsPerStage: parseIntegerOption('--cells-per-stage', options.cellsPerStage as string),
        inputSize: parseIntegerOption('--input-size', options.inputSize as string),
      };
      const cls = cellClassOf(code);
      const cost = networkCost(code, shape);
      if (!Number.isSafeInteger(cost.parameters) || !Number.isSafeInteger(cost.flops)) {
        throw new UsageError(
          `the network of --stem-channels ${shape.stemChannels}, --cells-per-stage ` +
            `${shape.cellsPerStage}, --input-size ${shape.inputSize} is too large to count ` +
            `exactly (more than ${Number.MAX_SAFE_INTEGER} parameters or FLOPs)`,
        );
      }
      const ops = parseCellCode(code).map((digit) => OPERATION_NAMES[digit]);
      const result = {
        cellCode: code,
        classId: cls.id,
        representative: cls.representative,
        classSize: cls.members.length,
        operations: ops,
        parameters: cost.parameters,
        flops: cost.flops,
        shape,
      };
      if (options.json) return printJson(io, result);
      io.out(`cell            ${code} (${ops.join(', ')})`);
      const members = cls.members.length;
      io.out(
        `class           ${cls.id}, representative ${cls.representative}, ${members} member${members === 1 ? '' : 's'}`,
      );
      io.out(
        `network         ${shape.inputSize} px, stem ${shape.stemChannels}, ${shape.cellsPerStage} cell${shape.cellsPerStage === 1 ? '' : 's'} per stage (the paper's: 32, 16, 5; the lite protocol's: 16, 8, 1)`,
      );
      io.out(`parameters      ${cost.parameters.toLocaleString('en-US')}`);
      io.out(
        `FLOPs           ${cost.flops.toLocaleString('en-US')} multiply-accumulates per image`,
      );
    });
}

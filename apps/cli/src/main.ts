import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { type CliIO, processIO, reportError } from './io.js';

/** Builds the `nhb` program writing through `io`. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('nhb')
    .description('NAS-HPO-Bench-II: query, train, fit and benchmark joint NAS + HPO')
    .option('--debug', 'print stack traces of errors')
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });
  for (const register of COMMANDS) register(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI on `argv` (without the node and script entries); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      return ok || error.exitCode === 0 ? 0 : 2;
    }
    return reportError(io, error, debug);
  }
}

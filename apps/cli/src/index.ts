export { type CliIO, printJson, processIO, reportError, UsageError } from './io.js';
export { buildProgram, main } from './main.js';

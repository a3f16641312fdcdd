import { InvalidArgumentError } from '@nashpobench2/search-space';
import type { ExperimentResult } from './experiment.js';

const KIND = 'nashpobench2-optimizer-results';

/** Serializes an experiment as JSON; NaN and infinities become null (restored by `parseResults`). */
export function resultsToJson(result: ExperimentResult, indent?: number): string {
  return JSON.stringify(
    result,
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    indent,
  );
}

/**
 * Reads an experiment written by `resultsToJson`, checking its kind and version; nulls in
 * numeric fields come back as NaN. Throws `InvalidArgumentError` for anything else.
 */
export function parseResults(text: string): ExperimentResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw notResults(`text that is not JSON (${(error as Error).message})`);
  }
  const result = value as ExperimentResult;
  if (typeof value !== 'object' || value === null || result.kind !== KIND) {
    throw notResults('a JSON value without kind "nashpobench2-optimizer-results"');
  }
  if (result.formatVersion !== 1) throw notResults(`format version ${result.formatVersion}`);
  if (!Array.isArray(result.optimizers) || typeof result.harness?.budgetSeconds !== 'number') {
    throw notResults('a file without optimizers or harness settings');
  }
  const benchmark = result.benchmark as { optimumLongPct: number | null };
  benchmark.optimumLongPct = toNumber(benchmark.optimumLongPct);
  for (const optimizer of result.optimizers) {
    for (const run of optimizer.runs) {
      const trajectory = run.trajectory as unknown as Record<string, (number | null)[]>;
      for (const key of Object.keys(trajectory)) trajectory[key] = trajectory[key].map(toNumber);
      (run as { optimumShortPct: number }).optimumShortPct = toNumber(run.optimumShortPct);
    }
  }
  return result;
}

function toNumber(value: number | null): number {
  return value === null ? Number.NaN : value;
}

function notResults(what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    'optimizers',
    'results',
    what,
    `a results file (kind '${KIND}', formatVersion 1) as written by nhb run/compare --out`,
  );
}

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
  checkShape(result);
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

const TRAJECTORY_KEYS = [
  'timeSeconds',
  'costSeconds',
  'evaluations',
  'index',
  'epochs',
  'validAccuracyPct',
  'testAccuracyShortPct',
  'testAccuracyLongPct',
] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumberOrNull = (value: unknown) => value === null || typeof value === 'number';

/** Checks every part the summary and plots read, naming the first broken one. */
function checkShape(result: ExperimentResult): void {
  const benchmark = result.benchmark as unknown;
  if (
    !isObject(benchmark) ||
    typeof benchmark.meanFullEvaluationSeconds !== 'number' ||
    !isObject(benchmark.optimumShortPct) ||
    !isNumberOrNull(benchmark.optimumLongPct)
  ) {
    throw notResults('a file whose benchmark reference values are missing or broken');
  }
  if (!Array.isArray(result.harness.seeds) || !Number.isInteger(result.harness.runs)) {
    throw notResults('a file whose harness seeds or runs are missing');
  }
  result.optimizers.forEach((optimizer: unknown, o) => {
    const where = `optimizers[${o}]`;
    if (
      !isObject(optimizer) ||
      typeof optimizer.id !== 'string' ||
      !Array.isArray(optimizer.runs)
    ) {
      throw notResults(`a file whose ${where} has no id or runs`);
    }
    optimizer.runs.forEach((run: unknown, r) => {
      const at = `${where}.runs[${r}]`;
      if (!isObject(run) || !Number.isInteger(run.seed) || !isObject(run.trajectory)) {
        throw notResults(`a file whose ${at} has no seed or trajectory`);
      }
      for (const field of ['evaluations', 'endSeconds', 'totalCostSeconds'] as const) {
        if (typeof run[field] !== 'number')
          throw notResults(`a file whose ${at}.${field} is missing`);
      }
      const trajectory = run.trajectory;
      const length = Array.isArray(trajectory.index) ? trajectory.index.length : -1;
      for (const key of TRAJECTORY_KEYS) {
        const column = trajectory[key];
        if (!Array.isArray(column) || column.length !== length || !column.every(isNumberOrNull)) {
          throw notResults(`a file whose ${at}.trajectory.${key} is missing or broken`);
        }
      }
    });
  });
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

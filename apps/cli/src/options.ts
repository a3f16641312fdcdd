import { UsageError } from './io.js';

/** Parses an integer flag value, rejecting anything else with a one-line usage error. */
export function parseIntegerOption(flag: string, value: string, min = 1): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got '${value}'`);
  }
  return parsed;
}

/** Parses a number flag value, rejecting anything else with a one-line usage error. */
export function parseNumberOption(flag: string, value: string, exclusiveMin = 0): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= exclusiveMin) {
    throw new UsageError(`${flag} must be a number > ${exclusiveMin}, got '${value}'`);
  }
  return parsed;
}

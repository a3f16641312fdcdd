import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { UsageError } from './io.js';

/** Parses an integer flag value, rejecting anything else with a one-line usage error. */
export function parseIntegerOption(flag: string, value: string, min = 1): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min) {
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

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Checks, before any long work starts, that `path` can be created: the nearest existing folder
 * above it is a writable folder (missing folders below it are created when writing).
 */
async function checkCreatable(flag: string, path: string): Promise<void> {
  let parent = dirname(resolve(path));
  for (;;) {
    const info = await statOrUndefined(parent);
    if (info !== undefined) {
      if (!info.isDirectory()) {
        throw new UsageError(`${flag} '${path}' cannot be created: '${parent}' is not a folder`);
      }
      try {
        await access(parent, constants.W_OK);
      } catch {
        throw new UsageError(`${flag} '${path}' cannot be created: '${parent}' is not writable`);
      }
      return;
    }
    const above = dirname(parent);
    if (above === parent) return;
    parent = above;
  }
}

/**
 * Checks an output file flag before any long work starts: not a folder, its folder creatable,
 * and, when `extensions` are given, one of them. Throws a one-line usage error.
 */
export async function checkOutputFile(
  flag: string,
  path: string,
  extensions: readonly string[] = [],
): Promise<void> {
  const extension = extname(path).toLowerCase();
  if (extensions.length > 0 && !extensions.includes(extension)) {
    throw new UsageError(
      `${flag} must be a file name ending in ${extensions.join(' or ')}, got '${path}'`,
    );
  }
  const info = await statOrUndefined(path);
  if (info?.isDirectory()) throw new UsageError(`${flag} '${path}' is a folder; give a file name`);
  await checkCreatable(flag, path);
}

/** Checks an output folder flag before any long work starts: a folder or creatable as one. */
export async function checkOutputFolder(flag: string, path: string): Promise<void> {
  const info = await statOrUndefined(path);
  if (info !== undefined && !info.isDirectory()) {
    throw new UsageError(`${flag} '${path}' is a file; give a folder`);
  }
  await checkCreatable(flag, path);
}

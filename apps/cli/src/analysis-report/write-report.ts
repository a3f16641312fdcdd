import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** One file of a report: its path relative to the report folder and its content. */
export interface ReportFile {
  /** Relative path with `/` separators, for example `'figures/tau-heatmap-12-epochs.svg'`. */
  path: string;
  /** Text (written as UTF-8) or bytes. */
  content: string | Uint8Array;
}

/**
 * Writes a report folder atomically: every file goes to a staging folder beside `folder` first.
 * A new folder then appears in one rename; into an existing folder each file is renamed in, the
 * entry file `last` at the end, so a reader never sees a report that links to missing figures.
 * Other files already in the folder are left alone.
 */
export async function writeReportAtomic(
  folder: string,
  files: readonly ReportFile[],
  last = 'report.md',
): Promise<void> {
  const target = resolve(folder);
  await mkdir(dirname(target), { recursive: true });
  const stage = join(
    dirname(target),
    `.${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    for (const file of files) {
      const path = join(stage, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    if (!existsSync(target)) {
      await rename(stage, target);
      return;
    }
    const ordered = [...files].sort((a, b) => Number(a.path === last) - Number(b.path === last));
    for (const file of ordered) {
      const path = join(target, file.path);
      await mkdir(dirname(path), { recursive: true });
      await rename(join(stage, file.path), path);
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

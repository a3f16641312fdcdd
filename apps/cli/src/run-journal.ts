import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type OptimizerSettings, type RunResult, runKey } from '@nashpobench2/optimizers';

const KIND = 'nhb-run-journal';

/**
 * The finished runs of an experiment that writes `--out <file>`, kept in `<file>.partial` (JSON
 * lines) while it runs: one header line naming the benchmark and harness options, then one line
 * per finished run. Rerunning the same command after Ctrl-C, a kill or a crash takes those runs
 * instead of running them again; the journal is removed once the results file is written. A
 * torn last line (a kill while appending) is skipped.
 */
export class RunJournal {
  /** Journal path: the results path with `.partial` appended. */
  readonly path: string;
  /** Runs taken from an earlier, interrupted journal, by `runKey(id, seed)`. */
  readonly finishedRuns: ReadonlyMap<string, RunResult>;
  readonly #settings: ReadonlyMap<string, string>;

  private constructor(
    path: string,
    finishedRuns: Map<string, RunResult>,
    settings: Map<string, string>,
  ) {
    this.path = path;
    this.finishedRuns = finishedRuns;
    this.#settings = settings;
  }

  /**
   * Opens the journal of results file `out` for an experiment described by `context` (anything
   * JSON: benchmark identity and harness options) and the optimizers' complete `settings` by id.
   * Keeps the runs of an earlier journal with the same context and settings, and rewrites the
   * journal with just those; any other journal is replaced.
   */
  static open(
    out: string,
    context: unknown,
    settings: Readonly<Record<string, OptimizerSettings>>,
  ): RunJournal {
    const path = `${out}.partial`;
    const contextText = JSON.stringify(context);
    const settingsText = new Map(Object.entries(settings).map(([id, s]) => [id, stableJson(s)]));
    const finished = new Map<string, RunResult>();
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no journal yet
    }
    const lines = text.split('\n');
    if (lines.length > 1 && sameHeader(lines[0], contextText)) {
      for (const line of lines.slice(1)) {
        const entry = parseLine(line);
        if (entry === undefined || settingsText.get(entry.id) !== stableJson(entry.settings)) {
          continue;
        }
        finished.set(runKey(entry.id, entry.seed), entry.run);
      }
    }
    const header = JSON.stringify({ kind: KIND, version: 1, context: JSON.parse(contextText) });
    const kept = [...finished.entries()].map(([key, run]) => {
      const id = key.slice(0, key.lastIndexOf('#'));
      return line(id, settings[id], run);
    });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, [header, ...kept].map((l) => `${l}\n`).join(''));
    return new RunJournal(path, finished, settingsText);
  }

  /** Appends one finished run (synchronously, so a kill right after still keeps it). */
  record(id: string, settings: OptimizerSettings, run: RunResult): void {
    if (this.#settings.get(id) === undefined) return;
    appendFileSync(this.path, `${line(id, settings, run)}\n`);
  }

  /** Removes the journal once the results file holds every run. */
  remove(): void {
    rmSync(this.path, { force: true });
  }
}

function line(id: string, settings: OptimizerSettings, run: RunResult): string {
  // non-finite numbers become null, as in results files
  return JSON.stringify({ id, settings, seed: run.seed, run }, (_key, value) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value,
  );
}

function sameHeader(text: string, contextText: string): boolean {
  try {
    const header = JSON.parse(text);
    return (
      header?.kind === KIND &&
      header.version === 1 &&
      JSON.stringify(header.context) === contextText
    );
  } catch {
    return false;
  }
}

interface JournalLine {
  id: string;
  settings: OptimizerSettings;
  seed: number;
  run: RunResult;
}

function parseLine(text: string): JournalLine | undefined {
  if (text.trim() === '') return undefined;
  let entry: JournalLine;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (
    typeof entry?.id !== 'string' ||
    !Number.isInteger(entry.seed) ||
    typeof entry.run !== 'object' ||
    entry.run?.seed !== entry.seed ||
    typeof entry.run.trajectory !== 'object'
  ) {
    return undefined;
  }
  // nulls written for NaN come back as NaN, as `parseResults` does for results files
  const trajectory = entry.run.trajectory as unknown as Record<string, (number | null)[]>;
  for (const key of Object.keys(trajectory)) {
    trajectory[key] = trajectory[key].map((v) => (v === null ? Number.NaN : v));
  }
  const run = entry.run as { optimumShortPct: number | null };
  if (run.optimumShortPct === null) run.optimumShortPct = Number.NaN;
  return entry;
}

/** JSON with object keys sorted, so equal settings compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Builds the default benchmark file from the sweep's parts:
 *
 *   pnpm --filter @nashpobench2/tools assemble -- [--parts <dir>] [--out <dir>] [--folds 5]
 *     [--models ensemble,ridge,knn,committee] [--members 5] [--steps 800] [--no-cascade]
 *     [--codec GZIP|SNAPPY|UNCOMPRESSED] [--full] [--install]
 *
 * By default predicted values are stored compactly (see AssembleOptions.compact) with GZIP, which
 * keeps the file near 15 MB; `--full` keeps every predicted value at full precision (~100 MB).
 * Writes `<out>/default-v1.parquet` (all 48,528 configurations, measured and predicted flagged),
 * `<out>/default-v1.surrogate.json`, `summary.json` and `summary.md`; prints the summary.
 * `--install` then copies them where the packages ship them: the benchmark to
 * packages/dataset/data/ (with the summary as default-v1.summary.md) and the surrogate to
 * packages/surrogate/data/ (atomically; rebuild the packages afterwards).
 */
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CompletionOptions } from '@nashpobench2/surrogate';
import {
  assembleDefaultBenchmark,
  BENCHMARK_FILE,
  SUMMARY_MARKDOWN,
  SURROGATE_FILE,
  summaryMarkdown,
} from './assemble-core.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

/** Copies `from` to `to` atomically (a temporary file in the target folder, then rename). */
async function installFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const temporary = `${to}.tmp-${process.pid}`;
  await copyFile(from, temporary);
  await rename(temporary, to);
}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `default-benchmark: --${name} ${text} is not valid; allowed: integers ≥ ${min}`,
    );
  }
  return value;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      parts: { type: 'string', default: join(here, 'parts') },
      out: { type: 'string', default: join(here, 'out') },
      folds: { type: 'string' },
      seed: { type: 'string' },
      models: { type: 'string' },
      members: { type: 'string' },
      steps: { type: 'string' },
      'no-cascade': { type: 'boolean', default: false },
      codec: { type: 'string', default: 'GZIP' },
      full: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      install: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const allowed = ['ensemble', 'ridge', 'knn', 'committee'];
  const models = values.models?.split(',').map((m) => m.trim());
  for (const model of models ?? []) {
    if (!allowed.includes(model)) {
      throw new Error(
        `default-benchmark: --models ${model} is not valid; allowed: ${allowed.join(', ')}`,
      );
    }
  }
  const codecs = ['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const;
  const codec = codecs.find((c) => c === values.codec);
  if (!codec) {
    throw new Error(
      `default-benchmark: --codec ${values.codec} is not valid; allowed: ${codecs.join(', ')}`,
    );
  }
  const members = integer('members', values.members, 1);
  const steps = integer('steps', values.steps, 1);
  const completion: CompletionOptions = {
    folds: integer('folds', values.folds, 2),
    seed: integer('seed', values.seed, 0),
    models: models as CompletionOptions['models'],
    ensemble: members !== undefined || steps !== undefined ? { members, steps } : undefined,
    cascade: !values['no-cascade'],
    onProgress: ({ stage, done, total }) => {
      if (done === total || done % 1000 === 0) process.stderr.write(`${stage}: ${done}/${total}\n`);
    },
  };
  const out = resolve(values.out as string);
  await mkdir(out, { recursive: true });
  const summary = await assembleDefaultBenchmark({
    parts: resolve(values.parts as string),
    out,
    completion,
    codec,
    compact: !values.full,
    command: `assemble ${argv.join(' ')}`.trim(),
  });
  if (values.install) {
    const dataset = join(repoRoot, 'packages', 'dataset', 'data');
    const surrogate = join(repoRoot, 'packages', 'surrogate', 'data');
    await installFile(join(out, BENCHMARK_FILE), join(dataset, BENCHMARK_FILE));
    await installFile(
      join(out, SUMMARY_MARKDOWN),
      join(dataset, BENCHMARK_FILE.replace(/\.parquet$/, '.summary.md')),
    );
    await installFile(join(out, SURROGATE_FILE), join(surrogate, SURROGATE_FILE));
    process.stderr.write(`installed into ${dataset} and ${surrogate}\n`);
  }
  process.stdout.write(
    values.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryMarkdown(summary),
  );
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});

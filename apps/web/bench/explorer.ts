/**
 * `pnpm bench` in apps/web: opens the built explorer in headless Chromium on synthetic benchmarks
 * written to Parquet and measures how long loading takes and whether the page stays responsive
 * (main-thread long tasks), then the landscape view and a race. Prints a report.
 *
 *   --full               also measure the full-size synthetic benchmark (1,011 classes × 48 pairs ×
 *                        3 seeds × 12 epochs, about 128 MB of Parquet; needs ~4 GB of memory)
 *   --full-only          measure only the full-size benchmark
 *   --screenshots <dir>  save screenshots of the three views on the largest benchmark measured
 *
 * Needs Debian's chromium at /usr/bin/chromium (or NHB_CHROMIUM) and a built site (`pnpm build`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  encodeBenchmark,
  makeSyntheticBenchmark,
  NODE_COMPRESSORS,
  type SyntheticOptions,
} from '@nashpobench2/dataset/node';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../test/browser.js';
import { serveSite } from '../test/static-server.js';

/** A benchmark shape to measure. */
interface Case {
  readonly name: string;
  readonly file: string;
  readonly options: SyntheticOptions;
}

const CASES: readonly Case[] = [
  // The paper's protocol (12 epochs, 3 seeds) on the first 64 classes: about 8 MB, the size the
  // issue asks the page to load without freezing.
  {
    name: '64 classes × 48 × 3 seeds × 12 epochs',
    file: 'synthetic-64-classes.parquet',
    options: { classes: 64 },
  },
  // The whole space with one seed and a 2-epoch schedule: about 6 MB, and complete, so it races.
  {
    name: '1,011 classes × 48 × 1 seed × 2 epochs',
    file: 'synthetic-1-seed-2-epochs.parquet',
    options: { seeds: [222], epochs: 2 },
  },
];
const FULL_CASE: Case = {
  name: '1,011 classes × 48 × 3 seeds × 12 epochs (full size)',
  file: 'synthetic-full.parquet',
  options: {},
};

/** Race run by the benchmark: the paper's budget, two baselines, ten seeds each. */
const RACE = {
  optimizers: ['random-search', 'regularized-evolution'],
  seeds: 10,
  budgetSeconds: 20_000,
};

/** Race shown in the screenshots: four of the paper's baselines, twenty seeds each. */
const SCREENSHOT_RACE = {
  optimizers: ['random-search', 'regularized-evolution', 'reinforce', 'rs-then-rea'],
  seeds: 20,
  budgetSeconds: 20_000,
};

// Collects the durations of main-thread tasks over 50 ms (Chromium's Long Tasks API).
const LONG_TASK_PROBE = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, ms: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

interface LongTasks {
  readonly count: number;
  readonly maxMs: number;
  readonly totalMs: number;
}

async function longTasksSince(page: Page, sinceMs: number): Promise<LongTasks> {
  const tasks = await page.evaluate(
    (since) =>
      (window as unknown as { __longTasks: { start: number; ms: number }[] }).__longTasks.filter(
        (t) => t.start >= since,
      ),
    sinceMs,
  );
  return {
    count: tasks.length,
    maxMs: Math.max(0, ...tasks.map((t) => t.ms)),
    totalMs: tasks.reduce((sum, t) => sum + t.ms, 0),
  };
}

async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

async function marks(page: Page): Promise<Record<string, number>> {
  const entries = await page.evaluate(() =>
    performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as const),
  );
  return Object.fromEntries(entries);
}

function describeTasks(tasks: LongTasks): string {
  return `${tasks.count} long tasks, longest ${tasks.maxMs.toFixed(0)} ms, total ${tasks.totalMs.toFixed(0)} ms`;
}

async function measure(
  page: Page,
  base: string,
  item: Case,
  bytes: number,
  screenshotDirectory?: string,
) {
  console.log(`\n${item.name}: ${(bytes / 1e6).toFixed(1)} MB (${item.file})`);

  const start = performance.now();
  await page.goto(`${base}?data=${item.file}#cell`);
  await page.getByTestId('cell-view').waitFor({ timeout: 300_000 });
  const loadSeconds = (performance.now() - start) / 1000;
  const at = await marks(page);
  const loadTasks = await longTasksSince(page, 0);
  const download = at['nhb:load-downloaded'] - at['nhb:load-start'];
  const parse = at['nhb:load-parsed'] - at['nhb:load-downloaded'];
  if (process.env.NHB_BENCH_DEBUG) {
    const all = await page.evaluate(
      () => (window as unknown as { __longTasks: unknown[] }).__longTasks,
    );
    console.log('  marks', at, 'long tasks', all);
  }
  console.log(
    `  open to cell view: ${loadSeconds.toFixed(2)} s (download ${(download / 1000).toFixed(2)} s, ` +
      `parse in worker ${(parse / 1000).toFixed(2)} s); main thread: ${describeTasks(loadTasks)}`,
  );
  if (screenshotDirectory)
    await page.screenshot({ path: join(screenshotDirectory, 'cell-view.png'), fullPage: true });

  const since = await pageNow(page);
  const started = performance.now();
  await page.getByTestId('tab-landscape').click();
  await page.getByTestId('tau-matrix').waitFor({ timeout: 120_000 });
  const landscapeSeconds = (performance.now() - started) / 1000;
  console.log(
    `  landscape view with the τ matrix: ${landscapeSeconds.toFixed(2)} s; ${describeTasks(await longTasksSince(page, since))}`,
  );
  if (screenshotDirectory)
    await page.screenshot({
      path: join(screenshotDirectory, 'landscape-view.png'),
      fullPage: true,
    });

  await page.getByTestId('tab-race').click();
  if ((await page.getByTestId('race-incomplete').count()) > 0) {
    console.log('  race: skipped (the benchmark does not cover the whole space)');
    return;
  }
  const race = async (plan: typeof RACE) => {
    for (const box of await page.locator('[data-testid^="optimizer-"]').all()) await box.uncheck();
    for (const id of plan.optimizers) await page.getByTestId(`optimizer-${id}`).check();
    await page.getByTestId('race-runs').fill(String(plan.seeds));
    await page.getByTestId('race-budget').fill(String(plan.budgetSeconds));
    const since = await pageNow(page);
    const started = performance.now();
    await page.getByTestId('race-start').click();
    await page.waitForFunction(
      () =>
        ['done', 'failed'].includes(
          document.querySelector('[data-testid="race-status"]')?.getAttribute('data-status') ?? '',
        ),
      undefined,
      { timeout: 600_000, polling: 100 },
    );
    const raceSeconds = (performance.now() - started) / 1000;
    const status = await page.getByTestId('race-status').textContent();
    console.log(
      `  race ${plan.optimizers.join(' vs ')}, ${plan.seeds} seeds, ${plan.budgetSeconds} s budget: ` +
        `${raceSeconds.toFixed(2)} s (${status}); main thread: ${describeTasks(await longTasksSince(page, since))}`,
    );
  };
  await race(RACE);
  if (screenshotDirectory) {
    await race(SCREENSHOT_RACE);
    await page.screenshot({ path: join(screenshotDirectory, 'race-view.png'), fullPage: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean' },
      'full-only': { type: 'boolean' },
      screenshots: { type: 'string' },
    },
  });
  if (!chromiumAvailable) {
    console.error(
      `bench: ${CHROMIUM_PATH} is missing; install Debian's chromium (apt-get install -y chromium)`,
    );
    process.exitCode = 1;
    return;
  }
  const siteDirectory = fileURLToPath(new URL('../dist/', import.meta.url));
  if (!existsSync(join(siteDirectory, 'index.html'))) {
    console.error(
      'bench: no built site in apps/web/dist; run `pnpm --filter @nashpobench2/web build`',
    );
    process.exitCode = 1;
    return;
  }
  const screenshotDirectory = values.screenshots;
  if (screenshotDirectory) mkdirSync(screenshotDirectory, { recursive: true });

  const cases = values['full-only'] ? [FULL_CASE] : values.full ? [...CASES, FULL_CASE] : CASES;
  const routes: Record<string, { bytes: Uint8Array }> = {};
  for (const item of cases) {
    const started = performance.now();
    const bytes = new Uint8Array(
      encodeBenchmark(makeSyntheticBenchmark(item.options), { compressors: NODE_COMPRESSORS }),
    );
    routes[`/${item.file}`] = { bytes };
    console.log(
      `built ${item.file}: ${(bytes.byteLength / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  const server = await serveSite(siteDirectory, routes);
  const browser = await launchChromium();
  try {
    await browser.context.addInitScript(LONG_TASK_PROBE);
    console.log(`\nheadless ${CHROMIUM_PATH}, site ${server.url}`);
    for (const [k, item] of cases.entries()) {
      const page = await browser.context.newPage();
      const last = k === cases.length - 1;
      await measure(
        page,
        server.url,
        item,
        routes[`/${item.file}`].bytes.byteLength,
        last ? screenshotDirectory : undefined,
      );
      await page.close();
    }
    if (screenshotDirectory) console.log(`\nscreenshots: ${screenshotDirectory}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();

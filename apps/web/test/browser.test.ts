import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Benchmark, kendallTau } from '@nashpobench2/dataset/node';
import { runExperiment } from '@nashpobench2/optimizers';
import {
  BATCH_SIZES,
  cellClasses,
  cellClassOf,
  LEARNING_RATES,
  networkCost,
} from '@nashpobench2/search-space';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './browser.js';
import { FIXTURE_OPTIONS, fixtureBytes } from './fixture.js';
import { serveSite } from './static-server.js';

const webRoot = fileURLToPath(new URL('../', import.meta.url));
const siteDirectory = join(webRoot, 'dist');
/** Where the screenshots go (CI artifacts); NHB_SCREENSHOT_DIR overrides. */
const screenshotDirectory =
  process.env.NHB_SCREENSHOT_DIR ?? fileURLToPath(new URL('../../../artifacts/web-screenshots/', import.meta.url));

/** Heatmap tooltips print three decimals. */
const PRINTED_TOLERANCE = 0.0005 + 1e-9;

if (!chromiumAvailable) {
  console.warn(
    'web browser tests SKIPPED: /usr/bin/chromium is absent. Install it (apt-get install -y chromium) to run them; .ci/run does.',
  );
}

/** Reads the 48 values a heatmap shows, keyed `lr|batch`, from its cells' tooltips. */
async function heatmapValues(page: Page, testId: string): Promise<Map<string, number>> {
  const titles = await page.locator(`[data-testid="${testId}"] svg title`).allTextContents();
  const values = new Map<string, number>();
  for (const title of titles) {
    const match = /^lr ([0-9.e-]+), batch (\d+): \w+ ([0-9.]+) %/.exec(title);
    if (match) values.set(`${Number(match[1])}|${Number(match[2])}`, Number(match[3]));
  }
  return values;
}

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDirectory, { recursive: true });
  const path = join(screenshotDirectory, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`web screenshot: ${path}`);
  return path;
}

describe.skipIf(!chromiumAvailable)('web explorer in headless chromium', () => {
  let benchmark: Benchmark;
  let context: BrowserContext;
  let page: Page;
  let closeBrowser: () => Promise<void>;
  let closeServer: () => Promise<void>;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(join(siteDirectory, 'index.html'))) {
      const { build } = await import('vite');
      await build({ root: webRoot, logLevel: 'warn' });
    }
    const bytes = fixtureBytes();
    benchmark = await Benchmark.open(bytes.slice().buffer);
    const server = await serveSite(siteDirectory, {
      '/fixture.parquet': { bytes },
      '/slow/fixture.parquet': { bytes, slowChunks: 8 },
      '/broken.parquet': { bytes: new TextEncoder().encode('PAR1 this is not a parquet file PAR1') },
    });
    base = server.url;
    closeServer = server.close;
    const browser = await launchChromium();
    context = browser.context;
    closeBrowser = browser.close;
    page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    console.log(`web screenshots directory: ${screenshotDirectory}`);
  }, 120_000);

  afterAll(async () => {
    await closeBrowser?.();
    await closeServer?.();
  });

  it('shows download progress and then the cell view with its provenance', async () => {
    await page.goto(`${base}?data=slow/fixture.parquet#cell`);
    await expect.poll(() => page.getByTestId('loading').textContent(), { timeout: 20_000 }).toMatch(
      /Downloading fixture\.parquet: [0-9.]+ MB of 12\.\d MB|Reading/,
    );
    await page.getByTestId('cell-view').waitFor({ timeout: 60_000 });
    const provenance = await page.getByTestId('provenance').first().textContent();
    expect(provenance).toContain('fixture.parquet');
    expect(provenance).toContain(`${benchmark.protocol.name} v${benchmark.protocol.version}`);
    expect(provenance).toContain(`seeds ${FIXTURE_OPTIONS.seeds.join(', ')}`);
    expect(provenance).toContain(String(benchmark.metadata.provenance.source));
  });

  it('edits a cell and shows its DAG, class and cost', async () => {
    const code = '1|20|013';
    await page.getByTestId('cell-code-input').fill(code);
    await page.getByTestId('edge-5').selectOption('0');
    const edited = '1|20|010';
    await expect.poll(() => page.getByTestId('cell-code-input').inputValue()).toBe(edited);

    const ops = await page.locator('.cell-dag g[data-edge]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-op')));
    expect(ops.join('')).toBe('120010');
    const cls = cellClassOf(edited);
    expect(await page.getByTestId('cell-class').textContent()).toContain(`${cls.id} of 1,011 (${cls.members.length} equivalent`);
    const { parameters, flops } = networkCost(edited);
    expect(await page.getByTestId('cell-parameters').textContent()).toBe(parameters.toLocaleString('en-US'));
    const shownFlops = (await page.getByTestId('cell-flops').textContent()) ?? '';
    const flopsValue = shownFlops.endsWith(' G') ? Number(shownFlops.slice(0, -2)) * 1e9 : Number(shownFlops.replaceAll(',', ''));
    expect(Math.abs(flopsValue - flops)).toBeLessThanOrEqual(flops >= 1e9 ? 5e5 : 0);
  });

  it('heatmaps show the dataset package answers for the same keys', async () => {
    const cellCode = '1|20|010';
    const check = async (mode: 'valid' | 'test', seed: number | undefined) => {
      const values = await heatmapValues(page, 'heatmap-short');
      expect(values.size).toBe(48);
      for (const lr of LEARNING_RATES) {
        for (const batchSize of BATCH_SIZES) {
          const expected = benchmark.query({ cellCode, lr, batchSize }, { mode, seed }).accuracy;
          const shown = values.get(`${lr}|${batchSize}`);
          expect(Math.abs((shown ?? Number.NaN) - expected), `${mode} ${seed} lr ${lr} bs ${batchSize}`).toBeLessThanOrEqual(
            PRINTED_TOLERANCE,
          );
        }
      }
    };
    await check('valid', undefined);
    await page.getByTestId('heatmap-mode').selectOption('test');
    await page.getByTestId('heatmap-seed').selectOption('555');
    await check('test', 555);
    await page.getByTestId('heatmap-mode').selectOption('valid');
    await page.getByTestId('heatmap-seed').selectOption('mean');

    const long = await heatmapValues(page, 'heatmap-long');
    for (const lr of LEARNING_RATES) {
      for (const batchSize of BATCH_SIZES) {
        const expected = benchmark.query({ cellCode, lr, batchSize }, { epoch: 200 }).accuracy;
        expect(Math.abs((long.get(`${lr}|${batchSize}`) ?? Number.NaN) - expected)).toBeLessThanOrEqual(PRINTED_TOLERANCE);
      }
    }
    expect(await page.getByTestId('learning-curves').locator('svg').count()).toBeGreaterThan(0);
    await screenshot(page, 'cell-view.png');
  });

  it('landscape view: Kendall τ of two settings matches the dataset package', async () => {
    await page.getByTestId('tab-landscape').click();
    await page.getByTestId('tau-matrix').waitFor({ timeout: 30_000 });
    const [a, b] = [
      { lr: 0.1, batchSize: 128 },
      { lr: 0.00625, batchSize: 16 },
    ];
    await page.getByTestId('setting-a').selectOption({ label: `lr ${a.lr}, bs ${a.batchSize}` });
    await page.getByTestId('setting-b').selectOption({ label: `lr ${b.lr}, bs ${b.batchSize}` });

    const xs: number[] = [];
    const ys: number[] = [];
    for (const { representative } of cellClasses()) {
      xs.push(benchmark.query({ cellCode: representative, ...a }).accuracy);
      ys.push(benchmark.query({ cellCode: representative, ...b }).accuracy);
    }
    const tau = kendallTau(xs, ys);
    await expect
      .poll(() => page.getByTestId('kendall-tau').textContent())
      .toBe(`Kendall τ = ${tau.toFixed(3)} over ${xs.length} architectures`);
    expect(await page.getByTestId('top-configurations').locator('tbody tr').count()).toBe(15);
    await screenshot(page, 'landscape-view.png');
  });

  it('runs a two-optimizer race with 3 seeds in a worker, like the harness in Node', { timeout: 150_000 }, async () => {
    await page.getByTestId('tab-race').click();
    const ids = ['random-search', 'regularized-evolution'];
    for (const id of ids) await page.getByTestId(`optimizer-${id}`).check();
    await page.getByTestId('race-runs').fill('3');
    await page.getByTestId('race-budget').fill('20000');
    await page.getByTestId('race-start').click();
    await expect
      .poll(() => page.getByTestId('race-status').getAttribute('data-status'), { timeout: 100_000 })
      .toMatch(/done|failed/);
    expect(await page.getByTestId('race-status').textContent()).toMatch(/^Done: 6 runs/);
    for (const id of ids) {
      expect(await page.locator(`[data-testid="race-summary"] tr[data-optimizer="${id}"]`).getAttribute('data-runs')).toBe('3');
    }
    expect(await page.getByTestId('race-chart').locator('svg').count()).toBeGreaterThan(0);
    await screenshot(page, 'race-view.png');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('race-download').click()]);
    const saved = join(screenshotDirectory, 'race-results.json');
    await download.saveAs(saved);
    const file = JSON.parse(readFileSync(saved, 'utf8'));
    expect(file.provenance.file).toContain('fixture.parquet');

    // The page trains for the fixture's short schedule instead of the optimizers' default 12 epochs.
    const epochs = benchmark.protocol.shortEpochs;
    const settings = Object.fromEntries(ids.map((id) => [id, { epochs }]));
    expect(file.plan.settings).toEqual(settings);
    const reference = runExperiment(benchmark, ids, { budgetSeconds: 20_000, runs: 3, seed: 0, settings });
    expect(file.optimizers.map((o: { id: string }) => o.id)).toEqual(ids);
    reference.optimizers.forEach((optimizer, k) => {
      const fromPage = file.optimizers[k];
      expect(fromPage.runs.length).toBe(3);
      optimizer.runs.forEach((run, r) => {
        expect(fromPage.runs[r].seed).toBe(run.seed);
        expect(fromPage.runs[r].evaluations).toBe(run.evaluations);
        expect(fromPage.runs[r].trajectory.index).toEqual(run.trajectory.index);
      });
    });
  });

  it('bad and missing benchmark files give a message on the page', async () => {
    await page.goto(`${base}?data=broken.parquet`);
    const error = page.getByTestId('load-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain('could not be loaded');
    await screenshot(page, 'error-bad-file.png');

    await page.goto(`${base}?data=missing.parquet`);
    await page.getByTestId('load-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('load-error').textContent()).toContain('HTTP 404');

    await page.goto(base);
    await page.getByTestId('load-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('load-error').textContent()).toContain('No benchmark was given');
  });
});

describe.skipIf(chromiumAvailable)('web explorer in headless chromium', () => {
  it.skip('needs /usr/bin/chromium (apt-get install -y chromium); skipped', () => {});
});

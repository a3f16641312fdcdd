import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Benchmark,
  defaultBenchmarkPath,
  kendallTau,
  NO_DEFAULT_MESSAGE,
} from '@nashpobench2/dataset/node';
import { runExperiment } from '@nashpobench2/optimizers';
import {
  BATCH_SIZES,
  cellClasses,
  cellClassOf,
  configAt,
  configIndex,
  LEARNING_RATES,
  networkCost,
  OFFICIAL_LONG_RUN_CELLS,
} from '@nashpobench2/search-space';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from './browser.js';
import { FIXTURE_OPTIONS, fixtureBytes, partialFixtureBytes } from './fixture.js';
import { serveSite } from './static-server.js';

const webRoot = fileURLToPath(new URL('../', import.meta.url));
const siteDirectory = join(webRoot, 'dist');
/** Where the screenshots go (CI artifacts); NHB_SCREENSHOT_DIR overrides. */
const screenshotDirectory =
  process.env.NHB_SCREENSHOT_DIR ??
  fileURLToPath(new URL('../../../artifacts/web-screenshots/', import.meta.url));

/** The embedded default benchmark of the dataset package, which the build ships as an asset. */
const defaultBenchmarkFile = defaultBenchmarkPath();

/** True when dist/index.html is missing or older than a source file or the embedded benchmark. */
function siteIsStale(): boolean {
  const built = join(siteDirectory, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(webRoot, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  if (defaultBenchmarkFile) sources.push(defaultBenchmarkFile);
  return sources.some((path) => statSync(path).mtimeMs > builtAt);
}

/** The built site's copy of the embedded benchmark (`assets/default-v1-<hash>.parquet`). */
function builtDefaultAsset(): string | undefined {
  const assets = readdirSync(join(siteDirectory, 'assets'));
  const name = assets.find((file) => /^default-v\d+-[\w-]+\.parquet$/.test(file));
  return name === undefined ? undefined : join(siteDirectory, 'assets', name);
}

/** Heatmap tooltips print three decimals. */
const PRINTED_TOLERANCE = 0.0005 + 1e-9;

if (!chromiumAvailable) {
  console.warn(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! web explorer browser tests SKIPPED: ${CHROMIUM_PATH} is not installed.`,
      "!! Install Debian's chromium (as root: apt-get install -y chromium) to run them;",
      '!! .ci/run installs it before the test command.',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
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
  /** How many of the cell's 48 long-schedule values were trained. */
  const countLongMeasured = (cellCode: string) =>
    LEARNING_RATES.flatMap((lr) =>
      BATCH_SIZES.map((batchSize) => configIndex({ cellCode, lr, batchSize })),
    ).filter((index) => benchmark.isLongMeasured(index)).length;

  let benchmark: Benchmark;
  let context: BrowserContext;
  let page: Page;
  let closeBrowser: () => Promise<void>;
  let closeServer: () => Promise<void>;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (siteIsStale()) {
      console.log('web: building the site (apps/web/dist is missing or older than src/)');
      const { build } = await import('vite');
      await build({ root: webRoot, logLevel: 'warn' });
    }
    const bytes = fixtureBytes();
    benchmark = await Benchmark.open(bytes.slice().buffer);
    const server = await serveSite(siteDirectory, {
      '/fixture.parquet': { bytes },
      '/slow/fixture.parquet': { bytes, slowChunks: 8 },
      '/broken.parquet': {
        bytes: new TextEncoder().encode('PAR1 this is not a parquet file PAR1'),
      },
      '/partial.parquet': { bytes: partialFixtureBytes() },
    });
    base = server.url;
    closeServer = server.close;
    const browser = await launchChromium();
    context = browser.context;
    closeBrowser = browser.close;
    page = await context.newPage();
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
      console.error(`page error: ${error.message}`);
    });
    console.log(`web screenshots directory: ${screenshotDirectory}`);
  }, 120_000);

  afterAll(async () => {
    await closeBrowser?.();
    await closeServer?.();
  });

  afterEach(() => {
    expect(pageErrors, 'uncaught errors on the page').toEqual([]);
  });

  it('shows download progress and then the cell view with its provenance', async () => {
    await page.goto(`${base}?data=slow/fixture.parquet#cell`);
    await expect
      .poll(() => page.getByTestId('loading').textContent(), { timeout: 20_000 })
      .toMatch(/Downloading fixture\.parquet: [0-9.]+ MB of 12\.\d MB|Reading/);
    await page.getByTestId('cell-view').waitFor({ timeout: 60_000 });
    const provenance = await page.getByTestId('provenance').first().textContent();
    expect(provenance).toContain('fixture.parquet');
    expect(provenance).toContain(`${benchmark.protocol.name} v${benchmark.protocol.version}`);
    expect(provenance).toContain(`seeds ${FIXTURE_OPTIONS.seeds.join(', ')}`);
    expect(provenance).toContain(String(benchmark.metadata.provenance.source));
  });

  it('edits a cell by typing its code and by its edges; shows its DAG, class, size and cost', async () => {
    const input = page.getByTestId('cell-code-input');
    await input.fill('1|20|4x3');
    expect(await page.locator('.cell-editor [role="alert"]').textContent()).toContain(
      'six digits 0–3',
    );
    await input.fill('1|20|013');
    await expect.poll(() => page.getByTestId('edge-5').inputValue()).toBe('3');
    expect(await page.locator('.cell-editor [role="alert"]').count()).toBe(0);

    await page.getByTestId('edge-5').selectOption('0');
    const edited = '1|20|010';
    await expect.poll(() => input.inputValue()).toBe(edited);

    const ops = await page
      .locator('.cell-dag g[data-edge]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-op')));
    expect(ops.join('')).toBe('120010');
    const cls = cellClassOf(edited);
    expect(await page.getByTestId('cell-class').textContent()).toContain(
      `${cls.id} of 1,011 (${cls.members.length} equivalent`,
    );
    expect(await page.getByTestId('cell-representative').textContent()).toBe(cls.representative);
    const { parameters, flops } = networkCost(edited);
    expect(await page.getByTestId('cell-parameters').textContent()).toBe(
      parameters.toLocaleString('en-US'),
    );
    const shownFlops = (await page.getByTestId('cell-flops').textContent()) ?? '';
    const flopsValue = shownFlops.endsWith(' G')
      ? Number(shownFlops.slice(0, -2)) * 1e9
      : Number(shownFlops.replaceAll(',', ''));
    expect(Math.abs(flopsValue - flops)).toBeLessThanOrEqual(flops >= 1e9 ? 5e5 : 0);

    // The cost table charges the official passes for the selected grid point (lr 0.1, batch 256).
    for (const mode of ['train', 'valid', 'test'] as const) {
      const { cost } = benchmark.query({ cellCode: edited, lr: 0.1, batchSize: 256 }, { mode });
      const shown = Number(await page.getByTestId(`cost-${mode}`).textContent());
      expect(Math.abs(shown - (cost ?? Number.NaN)), mode).toBeLessThanOrEqual(0.05 + 1e-9);
    }
  });

  it('heatmaps show the dataset package answers for the same keys', async () => {
    const cellCode = '1|20|010';
    /** Grid points whose shown value differs from the dataset package's answer (by more than print rounding). */
    const mismatches = async (
      testId: string,
      query: (key: { cellCode: string; lr: number; batchSize: number }) => number,
    ) => {
      const values = await heatmapValues(page, testId);
      const wrong: string[] = [];
      for (const lr of LEARNING_RATES) {
        for (const batchSize of BATCH_SIZES) {
          const expected = query({ cellCode, lr, batchSize });
          const shown = values.get(`${lr}|${batchSize}`) ?? Number.NaN;
          if (!(Math.abs(shown - expected) <= PRINTED_TOLERANCE))
            wrong.push(`lr ${lr} bs ${batchSize}: ${shown} vs ${expected}`);
        }
      }
      return wrong;
    };
    // The charts redraw after a control changes, so poll until they show the new values.
    const shortMatches = (mode: 'valid' | 'test', seed: number | undefined) =>
      expect
        .poll(
          () => mismatches('heatmap-short', (key) => benchmark.query(key, { mode, seed }).accuracy),
          { timeout: 10_000 },
        )
        .toEqual([]);

    await shortMatches('valid', undefined);
    await page.getByTestId('heatmap-mode').selectOption('test');
    await page.getByTestId('heatmap-seed').selectOption('555');
    await shortMatches('test', 555);
    // A wrong answer must be caught: the test values of seed 555 differ from the valid means.
    expect(
      (await mismatches('heatmap-short', (key) => benchmark.query(key, { mode: 'valid' }).accuracy))
        .length,
    ).toBeGreaterThan(40);
    await page.getByTestId('heatmap-mode').selectOption('valid');
    await page.getByTestId('heatmap-seed').selectOption('mean');
    await shortMatches('valid', undefined);

    expect(
      await mismatches('heatmap-long', (key) => benchmark.query(key, { epoch: 200 }).accuracy),
    ).toEqual([]);
    const longTitles = await page
      .locator('[data-testid="heatmap-long"] svg title')
      .allTextContents();
    const predictedCount = LEARNING_RATES.length * BATCH_SIZES.length - countLongMeasured(cellCode);
    expect(longTitles.filter((t) => t.endsWith('(predicted)')).length).toBe(predictedCount);
    expect(predictedCount).toBeGreaterThan(0);

    // A cell the official long runs trained shows its measured 200-epoch values without a mark.
    const longCell = OFFICIAL_LONG_RUN_CELLS[0];
    await page.getByTestId('cell-code-input').fill(longCell);
    await expect
      .poll(
        async () =>
          (await page.locator('[data-testid="heatmap-long"] svg title').allTextContents()).filter(
            (t) => t.endsWith('(measured)'),
          ).length,
      )
      .toBe(countLongMeasured(longCell));
    expect(countLongMeasured(longCell)).toBe(48);
    await page.getByTestId('cell-code-input').fill(cellCode);

    // Clicking a heatmap cell picks the grid point of the learning curves.
    await page
      .locator('[data-testid="heatmap-short"] svg title', { hasText: /^lr 0\.025, batch 64:/ })
      .locator('..')
      .click();
    expect(await page.getByTestId('curve-lr').inputValue()).toBe('0.025');
    expect(await page.getByTestId('curve-batch').inputValue()).toBe('64');
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

    // Clicking a square of the τ matrix chooses that pair of settings.
    await page
      .locator('[data-testid="tau-matrix"] svg title', { hasText: /^setting 40 vs 3:/ })
      .locator('..')
      .click();
    expect(await page.getByTestId('setting-a').inputValue()).toBe('40');
    expect(await page.getByTestId('setting-b').inputValue()).toBe('3');

    await page.getByTestId('top-one-per-class').check();
    const cells = await page
      .locator('[data-testid="top-configurations"] tbody tr td:nth-child(2) code')
      .allTextContents();
    expect(cells.length).toBe(15);
    expect(new Set(cells).size).toBe(15);

    // Long-schedule values, trained ones only: one value per trained (class, setting).
    await page.getByTestId('landscape-table').selectOption('long');
    await page.getByTestId('landscape-selection').selectOption('measured');
    const trained = cellClasses().reduce(
      (sum, { representative }) => sum + countLongMeasured(representative),
      0,
    );
    await expect
      .poll(() => page.getByTestId('distribution-summary').textContent())
      .toMatch(new RegExp(`^${trained.toLocaleString('en-US')} values`));
    expect(await page.getByTestId('provenance').nth(1).textContent()).toContain(
      'predicted values left out',
    );
    await page.getByTestId('landscape-table').selectOption('short');
    await page.getByTestId('landscape-selection').selectOption('all');
  });

  it('runs a two-optimizer race with 3 seeds in a worker, like the harness in Node', {
    timeout: 150_000,
  }, async () => {
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
      expect(
        await page
          .locator(`[data-testid="race-summary"] tr[data-optimizer="${id}"]`)
          .getAttribute('data-runs'),
      ).toBe('3');
    }
    expect(await page.getByTestId('race-chart').locator('svg').count()).toBeGreaterThan(0);
    await screenshot(page, 'race-view.png');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('race-download').click(),
    ]);
    const saved = join(screenshotDirectory, 'race-results.json');
    await download.saveAs(saved);
    const file = JSON.parse(readFileSync(saved, 'utf8'));
    expect(file.provenance.file).toContain('fixture.parquet');

    // The page trains for the fixture's short schedule instead of the optimizers' default 12 epochs.
    const epochs = benchmark.protocol.shortEpochs;
    const settings = Object.fromEntries(ids.map((id) => [id, { epochs }]));
    expect(file.plan.settings).toEqual(settings);
    const reference = runExperiment(benchmark, ids, {
      budgetSeconds: 20_000,
      runs: 3,
      seed: 0,
      settings,
    });
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
  });

  it('with no parameters, opens the embedded default benchmark and answers like Node', {
    timeout: 90_000,
  }, async () => {
    expect(defaultBenchmarkFile, 'packages/dataset/data holds the default benchmark').toBeDefined();
    const asset = builtDefaultAsset();
    expect(asset, 'apps/web/dist/assets holds the default benchmark').toBeDefined();
    expect(
      readFileSync(asset as string).equals(readFileSync(defaultBenchmarkFile as string)),
      'the built asset is the dataset package file',
    ).toBe(true);

    // Node parses the same file (through the node entry's file loader) while the page loads it.
    const inNode = Benchmark.open(undefined, { columns: 'query' });
    const fetched: string[] = [];
    const onResponse = (response: { url(): string; status(): number }) => {
      if (response.url().endsWith('.parquet'))
        fetched.push(`${response.status()} ${response.url()}`);
    };
    page.on('response', onResponse);
    await page.goto(`${base}#cell`);
    await page.getByTestId('cell-view').waitFor({ timeout: 60_000 });
    page.off('response', onResponse);
    const reference = await inNode;
    expect(fetched).toEqual([`200 ${base}assets/${asset?.split('/').pop()}`]);

    const coverage = reference.coverage();
    const own = await page.getByTestId('provenance-own').first().textContent();
    expect(own).toContain("the project's own reduced benchmark");
    expect(own).toContain(`protocol ${reference.protocol.name},`);
    const trained = coverage.measuredRuns.toLocaleString('en-US');
    const predicted = (coverage.runs - coverage.measuredRuns).toLocaleString('en-US');
    expect(own).toContain(`${trained} runs trained and ${predicted} predicted`);
    const provenance = await page.getByTestId('provenance').first().textContent();
    expect(provenance).toContain('default-v1.parquet (embedded in @nashpobench2/dataset)');
    expect(provenance).toContain(reference.metadata.provenance.source);

    // One configuration, a trained one where the file has one: the page shows Node's answers.
    const firstTrained = Array.from({ length: 196_608 }, (_, k) => k).find((k) =>
      reference.isMeasured(k),
    );
    const key = configAt(
      firstTrained ?? configIndex({ cellCode: '0|10|210', lr: 0.1, batchSize: 256 }),
    );
    await page.getByTestId('cell-code-input').fill(key.cellCode);
    await page.getByTestId('curve-lr').selectOption(String(key.lr));
    await page.getByTestId('curve-batch').selectOption(String(key.batchSize));
    const title = new RegExp(`^lr ${key.lr}, batch ${key.batchSize}:`);
    const shown = async (testId: string) =>
      (await heatmapValues(page, testId)).get(`${key.lr}|${key.batchSize}`) ?? Number.NaN;
    await expect
      .poll(async () => {
        const valid = reference.query(key, { mode: 'valid' }).accuracy;
        return Math.abs((await shown('heatmap-short')) - valid);
      })
      .toBeLessThanOrEqual(PRINTED_TOLERANCE);
    const long = reference.query(key, { epoch: reference.protocol.longEpochs }).accuracy;
    expect(Math.abs((await shown('heatmap-long')) - long)).toBeLessThanOrEqual(PRINTED_TOLERANCE);
    const shortTitle = await page
      .locator('[data-testid="heatmap-short"] svg title', { hasText: title })
      .textContent();
    expect(shortTitle?.endsWith(firstTrained === undefined ? '(predicted)' : '(measured)')).toBe(
      true,
    );
    for (const mode of ['train', 'valid', 'test'] as const) {
      const { cost } = reference.query(key, { mode });
      const shownCost = Number(await page.getByTestId(`cost-${mode}`).textContent());
      expect(Math.abs(shownCost - (cost ?? Number.NaN)), mode).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    await screenshot(page, 'default-benchmark.png');
  });

  it('says so when the embedded default benchmark is missing from the site', async () => {
    const hidden = await serveSite(
      siteDirectory,
      {},
      { hide: /\/assets\/default-v\d+-.*\.parquet$/ },
    );
    try {
      await page.goto(hidden.url);
      const error = page.getByTestId('load-error');
      await error.waitFor({ timeout: 30_000 });
      expect(await error.textContent()).toContain(NO_DEFAULT_MESSAGE);
      expect(await error.textContent()).toContain('default-v1.parquet (embedded');
    } finally {
      await hidden.close();
    }
  });

  it('a benchmark that covers part of the space loads, and the race explains why it cannot run', async () => {
    await page.goto(`${base}?data=partial.parquet#race`);
    await page.getByTestId('race-view').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('race-incomplete').textContent()).toContain(
      'a race needs a complete benchmark',
    );
    expect(await page.getByTestId('race-start').isDisabled()).toBe(true);
    await page.getByTestId('tab-cell').click();
    await page.getByTestId('cell-view').waitFor();
    expect(await page.getByTestId('provenance').first().textContent()).toContain('partial.parquet');
  });

  it('opens a local file chosen with the file picker, replacing the default still loading', async () => {
    // Without parameters the page starts loading the default benchmark in a worker.
    const loadWorker = page.waitForEvent('worker', (w) => w.url().includes('load.worker'));
    await page.goto(`${base}#race`);
    const defaultLoad = await loadWorker;
    const defaultLoadClosed = new Promise<void>((done) => defaultLoad.on('close', () => done()));
    await expect
      .poll(() => page.getByTestId('loading').textContent())
      .toContain('embedded default benchmark');
    await page.getByTestId('file-input').setInputFiles({
      name: 'picked-partial.parquet',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(partialFixtureBytes()),
    });
    await page.getByTestId('race-view').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('provenance').first().textContent()).toContain(
      'picked-partial.parquet',
    );
    expect(await page.getByTestId('race-incomplete').count()).toBe(1);

    // The default's worker was stopped, so its benchmark can never replace the picked one.
    await defaultLoadClosed;
    expect(await page.getByTestId('provenance').first().textContent()).toContain(
      'picked-partial.parquet',
    );
  });
});

if (!chromiumAvailable) {
  describe('web explorer in headless chromium', () => {
    it.skip(`SKIPPED: needs ${CHROMIUM_PATH} (apt-get install -y chromium)`, () => {});
  });
}

import {
  bestSettings,
  SETTING_COUNT,
  type SettingCorrelation,
  type SettingTable,
  settingAt,
  settingLabel,
  summarize,
  type ValueSelection,
} from '@nashpobench2/dataset';
import { BATCH_SIZES, LEARNING_RATES } from '@nashpobench2/search-space';
import * as Plot from '@observablehq/plot';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { PlotFigure } from '../components/plot-figure.js';
import { ProvenanceBar } from '../components/provenance-bar.js';
import { computeCorrelation } from '../landscape/correlation-client.js';
import type { LoadedBenchmark } from '../load/load-benchmark.js';
import {
  rankingAgreement,
  settingTables,
  tableEntries,
  topConfigurations,
} from './landscape-data.js';

type TableChoice = 'short' | 'long';

/** A value with an asterisk when it was predicted rather than trained. */
function marked(value: string, measured: boolean): string {
  return measured || value === '–' ? value : `${value} *`;
}

function SettingSelect({
  value,
  onChange,
  testId,
}: {
  value: number;
  onChange: (s: number) => void;
  testId: string;
}) {
  return (
    <select
      data-testid={testId}
      value={String(value)}
      onChange={(e) => onChange(Number((e.currentTarget as HTMLSelectElement).value))}
    >
      {Array.from({ length: SETTING_COUNT }, (_, setting) => (
        <option key={setting} value={String(setting)}>
          {settingLabel(setting)}
        </option>
      ))}
    </select>
  );
}

function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Landscape view: accuracy distribution, top configurations, ranking agreement, best settings. */
export function LandscapeView({ loaded }: { loaded: LoadedBenchmark }) {
  const { benchmark } = loaded;
  const [choice, setChoice] = useState<TableChoice>('short');
  const [selection, setSelection] = useState<ValueSelection>('all');
  const [settingA, setSettingA] = useState(5 * 6 + 3);
  const [settingB, setSettingB] = useState(1 * 6 + 0);
  const tables = useMemo(() => settingTables(benchmark, selection), [benchmark, selection]);
  const table: SettingTable = choice === 'short' ? tables.shortValid : tables.long;
  const { shortEpochs, longEpochs } = benchmark.protocol;
  const valueName =
    choice === 'short'
      ? `${shortEpochs}-epoch valid accuracy (mean over seeds)`
      : `${longEpochs}-epoch test accuracy`;
  const what = selection === 'measured' ? `trained ${valueName}` : valueName;
  const empty = table.classIds.length === 0;

  return (
    <section class="view" data-testid="landscape-view">
      <ProvenanceBar
        benchmark={benchmark}
        label={loaded.label}
        showing={`${what}, ${selection === 'measured' ? 'predicted values left out' : 'measured and predicted values'}, one value per architecture class and setting`}
      />
      <p class="controls">
        Values:{' '}
        <select
          data-testid="landscape-table"
          value={choice}
          onChange={(e) => setChoice((e.currentTarget as HTMLSelectElement).value as TableChoice)}
        >
          <option value="short">{shortEpochs}-epoch valid accuracy</option>
          <option value="long">{longEpochs}-epoch test accuracy</option>
        </select>{' '}
        <select
          data-testid="landscape-selection"
          value={selection}
          onChange={(e) =>
            setSelection((e.currentTarget as HTMLSelectElement).value as ValueSelection)
          }
        >
          <option value="all">measured and predicted</option>
          <option value="measured">measured only (trained)</option>
        </select>
      </p>
      {empty ? (
        <p class="notice" role="alert">
          This benchmark holds no {what}.
        </p>
      ) : (
        <LandscapePanels
          key={`${choice}-${selection}`}
          benchmark={loaded.benchmark}
          table={table}
          what={what}
          choice={choice}
          settingA={settingA}
          settingB={settingB}
          onSettings={(a, b) => {
            setSettingA(a);
            setSettingB(b);
          }}
        />
      )}
    </section>
  );
}

interface PanelsProps {
  readonly benchmark: LoadedBenchmark['benchmark'];
  readonly table: SettingTable;
  readonly what: string;
  /** Which table the values come from: short (12-epoch valid) or long. */
  readonly choice: TableChoice;
  readonly settingA: number;
  readonly settingB: number;
  readonly onSettings: (a: number, b: number) => void;
}

function LandscapePanels({
  benchmark,
  table,
  what,
  choice,
  settingA,
  settingB,
  onSettings,
}: PanelsProps) {
  const entries = useMemo(() => tableEntries(table), [table]);
  const summary = useMemo(() => summarize(entries.map((e) => e.accuracyPct)), [entries]);
  const [onePerClass, setOnePerClass] = useState(false);
  const top = useMemo(
    () => topConfigurations(benchmark, table, 15, onePerClass),
    [benchmark, table, onePerClass],
  );
  const agreement = useMemo(
    () => rankingAgreement(table, settingA, settingB),
    [table, settingA, settingB],
  );
  const best = useMemo(() => bestSettings(table), [table]);
  // The 48 × 48 τ matrix takes a moment; draw the rest of the view first.
  // The 48 × 48 τ matrix takes most of a second on a full table: a worker computes it.
  const [correlation, setCorrelation] = useState<SettingCorrelation | null>(null);
  const [correlationError, setCorrelationError] = useState('');
  useEffect(() => {
    setCorrelation(null);
    setCorrelationError('');
    return computeCorrelation(table, (result) => {
      if ('correlation' in result) setCorrelation(result.correlation);
      else setCorrelationError(result.message);
    });
  }, [table]);

  return (
    <>
      <div class="row">
        <div class="panel">
          <h2>Distribution</h2>
          <PlotFigure
            testId="distribution"
            deps={[entries]}
            render={() =>
              Plot.plot({
                width: 480,
                height: 260,
                x: { label: `${what} (%)` },
                y: { label: 'trainings (class × setting)', grid: true },
                marks: [
                  Plot.rectY(entries, {
                    ...Plot.binX({ y: 'count' }, { x: 'accuracyPct', thresholds: 40 }),
                    fill: '#4c78a8',
                  }),
                  Plot.ruleY([0]),
                ],
              })
            }
          />
          <p data-testid="distribution-summary">
            {summary.count.toLocaleString('en-US')} values: mean {fixed(summary.mean)} %, median{' '}
            {fixed(summary.median)} %, 5–95 % range {fixed(summary.q05)}–{fixed(summary.q95)} %,
            best {fixed(summary.max)} %.
          </p>
        </div>
        <div class="panel">
          <h2>
            Top configurations{' '}
            <label class="inline-option">
              <input
                type="checkbox"
                data-testid="top-one-per-class"
                checked={onePerClass}
                onChange={(e) => setOnePerClass((e.currentTarget as HTMLInputElement).checked)}
              />{' '}
              one per architecture
            </label>
          </h2>
          <table class="top" data-testid="top-configurations">
            <thead>
              <tr>
                <th>#</th>
                <th>cell (class)</th>
                <th>lr</th>
                <th>batch</th>
                <th>{what.split(' (')[0]}</th>
                <th>{benchmark.protocol.shortEpochs}-epoch test</th>
                <th>{benchmark.protocol.longEpochs}-epoch test</th>
              </tr>
            </thead>
            <tbody>
              {top.map((row, rank) => (
                <tr key={`${row.classId}-${row.setting}`}>
                  <td>{rank + 1}</td>
                  <td>
                    <code>{row.cellCode}</code> ({row.classId})
                  </td>
                  <td class="number">{row.lr}</td>
                  <td class="number">{row.batchSize}</td>
                  <td class="number">
                    {marked(
                      fixed(row.accuracyPct),
                      choice === 'short' ? row.measured : row.longMeasured,
                    )}
                  </td>
                  <td class="number">{marked(fixed(row.testAccuracyPct), row.measured)}</td>
                  <td class="number">{marked(fixed(row.longTestAccuracyPct), row.longMeasured)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="note">Mean over seeds; * marks values predicted by the surrogate.</p>
        </div>
      </div>
      <div class="row">
        <div class="panel">
          <h2>
            Ranking agreement:{' '}
            <SettingSelect
              testId="setting-a"
              value={settingA}
              onChange={(a) => onSettings(a, settingB)}
            />{' '}
            vs{' '}
            <SettingSelect
              testId="setting-b"
              value={settingB}
              onChange={(b) => onSettings(settingA, b)}
            />
          </h2>
          <p data-testid="kendall-tau">
            Kendall τ = {fixed(agreement.tau, 3)} over {agreement.points.length} architectures
          </p>
          <PlotFigure
            testId="agreement-scatter"
            deps={[agreement]}
            render={() =>
              Plot.plot({
                width: 400,
                height: 380,
                grid: true,
                x: { label: `${settingLabel(settingA)} (%)` },
                y: { label: `${settingLabel(settingB)} (%)` },
                marks: [
                  Plot.dot(agreement.points, {
                    x: 'a',
                    y: 'b',
                    r: 2.5,
                    fill: '#4c78a8',
                    fillOpacity: 0.6,
                    tip: true,
                    channels: { class: 'classId' },
                  }),
                ],
              })
            }
          />
        </div>
        <div class="panel">
          <h2>τ between every pair of settings</h2>
          {correlation ? (
            <PlotFigure
              testId="tau-matrix"
              deps={[correlation]}
              render={() => tauMatrix(correlation.tau)}
              onPick={(target) => {
                const title =
                  target instanceof Element
                    ? (target.querySelector('title')?.textContent ?? '')
                    : '';
                const match = /^setting (\d+) vs (\d+)/.exec(title);
                if (match) onSettings(Number(match[1]), Number(match[2]));
              }}
              caption={`Mean τ of neighbouring settings ${fixed(correlation.neighbouringMeanTau, 3)}, of distant ones ${fixed(correlation.distantMeanTau, 3)}; ${correlation.distinctBestArchitectures} different architectures are best under some setting. Click a square to compare that pair.`}
            />
          ) : correlationError ? (
            <p class="notice" role="alert">
              The τ matrix could not be computed: {correlationError}
            </p>
          ) : (
            <p data-testid="tau-computing">Computing 1,128 Kendall τ in a background worker…</p>
          )}
        </div>
        <div class="panel">
          <h2>Best setting per architecture</h2>
          {best ? (
            <PlotFigure
              testId="best-settings"
              deps={[best]}
              render={() => bestSettingMap(best.histogram)}
              caption={`${best.classIds.length} architectures with all 48 values${best.indifferentArchitectures > 0 ? ` (and ${best.indifferentArchitectures} with the same value everywhere, left out)` : ''}; ${best.distinctBestSettings} settings are best for some; ${fixed(100 * best.all.shareDifferent, 1)} % prefer another setting than the best fixed one (${settingLabel(best.globalBestSetting)}).`}
            />
          ) : (
            <p class="notice">No architecture has values for all 48 settings.</p>
          )}
        </div>
      </div>
    </>
  );
}

/** First setting of each learning rate's block of six (settings are lrIndex × 6 + batchIndex). */
const LR_BLOCK_STARTS = LEARNING_RATES.map((_, lrIndex) => lrIndex * BATCH_SIZES.length);

function lrOfSetting(setting: number): string {
  return String(settingAt(setting).lr);
}

function tauMatrix(tau: number[][]) {
  const cells = tau.flatMap((row, a) => row.map((value, b) => ({ a, b, value })));
  return Plot.plot({
    width: 400,
    height: 420,
    marginLeft: 62,
    marginBottom: 62,
    x: {
      type: 'band',
      label: 'learning rate (blocks of 6 batch sizes, 16 → 512)',
      ticks: LR_BLOCK_STARTS,
      tickFormat: lrOfSetting,
      tickRotate: -35,
    },
    y: { type: 'band', label: 'learning rate', ticks: LR_BLOCK_STARTS, tickFormat: lrOfSetting },
    color: { type: 'linear', scheme: 'rdbu', domain: [-1, 1], legend: true, label: 'Kendall τ' },
    marks: [
      Plot.cell(cells, {
        x: 'b',
        y: 'a',
        fill: (d: { value: number }) => (Number.isFinite(d.value) ? d.value : null),
        title: (d: { a: number; b: number; value: number }) =>
          `setting ${d.a} vs ${d.b}: ${settingLabel(d.a)} vs ${settingLabel(d.b)}, τ ${fixed(d.value, 3)}`,
      }),
    ],
  });
}

function bestSettingMap(histogram: number[]) {
  const cells = histogram.map((count, setting) => ({ ...settingAt(setting), count }));
  const most = Math.max(1, ...histogram);
  return Plot.plot({
    width: 380,
    height: 330,
    marginLeft: 62,
    x: { type: 'band', domain: [...BATCH_SIZES], label: 'batch size' },
    y: {
      type: 'band',
      domain: [...LEARNING_RATES].reverse(),
      label: 'learning rate',
      tickFormat: String,
    },
    color: {
      type: 'sqrt',
      scheme: 'blues',
      legend: true,
      label: 'architectures for which it is best',
    },
    marks: [
      Plot.cell(cells, {
        x: 'batchSize',
        y: 'lr',
        fill: 'count',
        inset: 0.5,
        title: (d: { count: number }) => `${d.count} architectures`,
      }),
      Plot.text(cells, {
        x: 'batchSize',
        y: 'lr',
        text: (d: { count: number }) => (d.count > 0 ? String(d.count) : ''),
        fill: (d: { count: number }) => (d.count > 0.3 * most ? '#fff' : '#111'),
        fontSize: 10,
      }),
    ],
  });
}

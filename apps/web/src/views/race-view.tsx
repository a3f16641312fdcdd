import type { ExperimentResult, OptimizerSettings, RunResult } from '@nashpobench2/optimizers';
import { OPTIMIZERS } from '@nashpobench2/optimizers';
import { CONFIGURATION_COUNT } from '@nashpobench2/search-space';
import * as Plot from '@observablehq/plot';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { PlotFigure } from '../components/plot-figure.js';
import { describeProvenance } from '../components/provenance.js';
import { ProvenanceBar } from '../components/provenance-bar.js';
import type { LoadedBenchmark } from '../load/load-benchmark.js';
import { type AnytimeMetric, anytimeCurve, raceGrid } from '../race/anytime.js';
import { type RaceHandle, startRace } from '../race/race-client.js';
import type { RacePlan } from '../race/race-messages.js';

type RaceStatus = 'idle' | 'running' | 'done' | 'stopped' | 'failed';

const METRICS: readonly { id: AnytimeMetric; label: (short: number, long: number) => string }[] = [
  { id: 'testAccuracyShortPct', label: (short) => `incumbent ${short}-epoch test accuracy (%)` },
  { id: 'testAccuracyLongPct', label: (_, long) => `incumbent ${long}-epoch test accuracy (%)` },
  { id: 'validAccuracyPct', label: () => 'incumbent valid accuracy seen by the search (%)' },
];

/**
 * Overrides that make optimizers with a fixed evaluation length (`epochs`, 12 by default) train
 * for the benchmark's own short schedule, which a reduced protocol may set differently.
 */
export function fullLengthSettings(
  ids: readonly string[],
  shortEpochs: number,
): Record<string, OptimizerSettings> {
  const settings: Record<string, OptimizerSettings> = {};
  for (const definition of OPTIMIZERS) {
    const epochs = definition.defaults.epochs;
    if (ids.includes(definition.id) && typeof epochs === 'number' && epochs !== shortEpochs) {
      settings[definition.id] = { epochs: shortEpochs };
    }
  }
  return settings;
}

function positiveNumber(text: string, fallback: number): number {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Optimizer race: choose optimizers, budget and seeds; run them in a worker; watch anytime curves. */
export function RaceView({ loaded }: { loaded: LoadedBenchmark }) {
  const { benchmark } = loaded;
  const [chosen, setChosen] = useState<string[]>(['random-search', 'regularized-evolution']);
  const [budgetText, setBudgetText] = useState('20000');
  const [runsText, setRunsText] = useState('10');
  const [metric, setMetric] = useState<AnytimeMetric>('testAccuracyShortPct');
  const [status, setStatus] = useState<RaceStatus>('idle');
  const [message, setMessage] = useState('');
  const [runs, setRuns] = useState<{ id: string; run: RunResult }[]>([]);
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const [plan, setPlan] = useState<RacePlan | null>(null);
  const [result, setResult] = useState<ExperimentResult | null>(null);
  const handle = useRef<RaceHandle | null>(null);
  useEffect(() => () => handle.current?.stop(), []);

  const start = () => {
    const ids = OPTIMIZERS.map((o) => o.id).filter((id) => chosen.includes(id));
    const next: RacePlan = {
      ids,
      budgetSeconds: positiveNumber(budgetText, 20_000),
      runs: Math.max(1, Math.min(500, Math.round(positiveNumber(runsText, 10)))),
      firstSeed: 0,
      settings: fullLengthSettings(ids, benchmark.protocol.shortEpochs),
    };
    if (next.ids.length === 0) {
      setStatus('failed');
      setMessage('Choose at least one optimizer.');
      return;
    }
    handle.current?.stop();
    setPlan(next);
    setRuns([]);
    setResult(null);
    setMessage('');
    setProgress({ done: 0, total: next.ids.length * next.runs });
    setStatus('running');
    handle.current = startRace(benchmark, next, (reply) => {
      if (reply.type === 'run') {
        setRuns((previous) => [...previous, { id: reply.id, run: reply.run }]);
        setProgress({ done: reply.done, total: reply.total });
      } else if (reply.type === 'done') {
        setResult(reply.result);
        setStatus('done');
      } else {
        setMessage(reply.message);
        setStatus('failed');
      }
    });
  };

  const stop = () => {
    handle.current?.stop();
    setStatus('stopped');
  };

  const curves = useMemo(() => {
    if (!plan) return [];
    const grid = raceGrid(
      runs.map((r) => r.run),
      plan.budgetSeconds,
    );
    return plan.ids.flatMap((id) => {
      const own = runs.filter((r) => r.id === id).map((r) => r.run);
      return anytimeCurve(own, metric, grid).map((point) => ({
        optimizer: id,
        ...point,
        low: point.mean - point.standardError,
        high: point.mean + point.standardError,
      }));
    });
  }, [runs, plan, metric]);

  const { shortEpochs, longEpochs } = benchmark.protocol;
  const coverage = useMemo(() => benchmark.coverage(), [benchmark]);
  const complete = coverage.configurations === CONFIGURATION_COUNT;
  const metricLabel =
    METRICS.find((m) => m.id === metric)?.label(shortEpochs, longEpochs) ?? metric;
  const download = () => {
    if (!result || !plan) return;
    const file = {
      ...result,
      provenance: { ...describeProvenance(benchmark, loaded.label), metadata: benchmark.metadata },
      plan,
    };
    const text = JSON.stringify(
      file,
      (_, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
      2,
    );
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `race-${plan.ids.join('-vs-')}-${plan.runs}-seeds.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section class="view" data-testid="race-view">
      <ProvenanceBar
        benchmark={benchmark}
        label={loaded.label}
        showing={`searches query ${shortEpochs}-epoch valid accuracy and are charged its cost; curves show the ${metricLabel}, mean ± SE over seeds`}
      />
      <div class="row">
        <fieldset class="panel optimizers" disabled={status === 'running'}>
          <legend>Optimizers</legend>
          {OPTIMIZERS.map((o) => (
            <label key={o.id} title={o.description}>
              <input
                type="checkbox"
                data-testid={`optimizer-${o.id}`}
                checked={chosen.includes(o.id)}
                onChange={(event) => {
                  const on = (event.currentTarget as HTMLInputElement).checked;
                  setChosen(on ? [...chosen, o.id] : chosen.filter((id) => id !== o.id));
                }}
              />{' '}
              {o.id}
              {o.paper ? ' (paper)' : ''}
            </label>
          ))}
        </fieldset>
        <div class="panel settings">
          <label>
            Budget per run (simulated seconds){' '}
            <input
              data-testid="race-budget"
              type="number"
              min="1"
              value={budgetText}
              onInput={(e) => setBudgetText((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label>
            Seeds per optimizer{' '}
            <input
              data-testid="race-runs"
              type="number"
              min="1"
              max="500"
              value={runsText}
              onInput={(e) => setRunsText((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label>
            Curve{' '}
            <select
              data-testid="race-metric"
              value={metric}
              onChange={(e) =>
                setMetric((e.currentTarget as HTMLSelectElement).value as AnytimeMetric)
              }
            >
              {METRICS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label(shortEpochs, longEpochs)}
                </option>
              ))}
            </select>
          </label>
          <p>
            <button
              type="button"
              data-testid="race-start"
              onClick={start}
              disabled={status === 'running' || !complete}
            >
              Run race
            </button>{' '}
            <button
              type="button"
              data-testid="race-stop"
              onClick={stop}
              disabled={status !== 'running'}
            >
              Stop
            </button>{' '}
            <button type="button" data-testid="race-download" onClick={download} disabled={!result}>
              Download results (JSON)
            </button>
          </p>
          {complete ? null : (
            <p class="notice" role="alert" data-testid="race-incomplete">
              This benchmark has {shortEpochs}-epoch values for{' '}
              {coverage.configurations.toLocaleString('en-US')} of{' '}
              {CONFIGURATION_COUNT.toLocaleString('en-US')} configurations. The optimizers search
              the whole space, so a race needs a complete benchmark (measured or predicted values
              everywhere).
            </p>
          )}
          <p
            data-testid="race-status"
            data-status={status}
            role={status === 'failed' ? 'alert' : undefined}
          >
            {status === 'idle' ? 'Not started.' : null}
            {status === 'running'
              ? `Running in a Web Worker: ${progress.done} of ${progress.total} runs done…`
              : null}
            {status === 'done' ? `Done: ${progress.total} runs.` : null}
            {status === 'stopped'
              ? `Stopped after ${progress.done} of ${progress.total} runs.`
              : null}
            {status === 'failed' ? `The race failed: ${message}` : null}
          </p>
        </div>
      </div>
      {curves.length > 0 ? (
        <div class="row">
          <div class="panel wide">
            <PlotFigure
              testId="race-chart"
              deps={[curves]}
              render={() =>
                Plot.plot({
                  width: 1000,
                  height: 420,
                  grid: true,
                  x: { type: 'log', label: 'simulated training cost (s), log scale' },
                  y: { label: metricLabel },
                  color: { legend: true, domain: plan?.ids ?? [] },
                  marks: [
                    Plot.ruleX([plan?.budgetSeconds ?? 0], {
                      stroke: '#888',
                      strokeDasharray: '4 3',
                    }),
                    Plot.text([plan?.budgetSeconds ?? 0], {
                      x: (d: number) => d,
                      frameAnchor: 'bottom',
                      dy: -6,
                      text: () => 'budget',
                      dx: -4,
                      textAnchor: 'end',
                      fill: '#666',
                    }),
                    Plot.areaY(curves, {
                      x: 'costSeconds',
                      y1: 'low',
                      y2: 'high',
                      fill: 'optimizer',
                      fillOpacity: 0.2,
                      curve: 'step-after',
                    }),
                    Plot.line(curves, {
                      x: 'costSeconds',
                      y: 'mean',
                      stroke: 'optimizer',
                      curve: 'step-after',
                      tip: true,
                    }),
                  ],
                })
              }
            />
            <RaceSummary
              runs={runs}
              ids={plan?.ids ?? []}
              shortEpochs={shortEpochs}
              longEpochs={longEpochs}
            />
          </div>
        </div>
      ) : null}
    </section>
  );
}

interface RaceSummaryProps {
  readonly runs: { id: string; run: RunResult }[];
  readonly ids: readonly string[];
  readonly shortEpochs: number;
  readonly longEpochs: number;
}

/** Mean ± standard error of the finite values; '–' when there are none. */
function meanAndError(values: readonly number[], digits: number): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '–';
  const mean = finite.reduce((sum, v) => sum + v, 0) / finite.length;
  if (finite.length === 1) return mean.toFixed(digits);
  const variance = finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (finite.length - 1);
  return `${mean.toFixed(digits)} ± ${Math.sqrt(variance / finite.length).toFixed(digits)}`;
}

function RaceSummary({ runs, ids, shortEpochs, longEpochs }: RaceSummaryProps) {
  return (
    <table data-testid="race-summary">
      <caption>
        Final incumbent of each run (best valid accuracy found), mean ± SE over seeds
      </caption>
      <thead>
        <tr>
          <th>optimizer</th>
          <th>runs</th>
          <th>{shortEpochs}-epoch test (%)</th>
          <th>{longEpochs}-epoch test (%)</th>
          <th>evaluations</th>
          <th>cost used (s)</th>
        </tr>
      </thead>
      <tbody>
        {ids.map((id) => {
          const own = runs.filter((r) => r.id === id).map((r) => r.run);
          const last = (series: ArrayLike<number>) =>
            series.length > 0 ? series[series.length - 1] : Number.NaN;
          return (
            <tr key={id} data-optimizer={id} data-runs={own.length}>
              <td>{id}</td>
              <td class="number">{own.length}</td>
              <td class="number">
                {meanAndError(
                  own.map((run) => last(run.trajectory.testAccuracyShortPct)),
                  2,
                )}
              </td>
              <td class="number">
                {meanAndError(
                  own.map((run) => last(run.trajectory.testAccuracyLongPct)),
                  2,
                )}
              </td>
              <td class="number">
                {meanAndError(
                  own.map((run) => run.evaluations),
                  1,
                )}
              </td>
              <td class="number">
                {meanAndError(
                  own.map((run) => run.totalCostSeconds),
                  0,
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

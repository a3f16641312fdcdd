import type { Benchmark, Mode } from '@nashpobench2/dataset';
import {
  BATCH_SIZES,
  cellClassOf,
  configIndex,
  LEARNING_RATES,
  type NetworkShape,
  networkCost,
} from '@nashpobench2/search-space';
import * as Plot from '@observablehq/plot';
import { useMemo, useState } from 'preact/hooks';
import { PlotFigure } from '../components/plot-figure.js';
import { ProvenanceBar } from '../components/provenance-bar.js';
import type { LoadedBenchmark } from '../load/load-benchmark.js';
import { CellDag } from './cell-dag.js';
import { CellEditor } from './cell-editor.js';
import { cellGrid, learningCurves } from './cell-grid.js';
import { gridHeatmap, gridPointAt } from './grid-heatmap.js';
import { SeedSelect } from './seed-select.js';

/** The network shape a benchmark's protocol trained, for analytic parameters and FLOPs. */
function protocolShape(benchmark: Benchmark): NetworkShape {
  const { stemChannels, cellsPerStage, imageSize } = benchmark.protocol;
  return { stemChannels, cellsPerStage, inputSize: imageSize };
}

function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(3)} G`;
  return value.toLocaleString('en-US');
}

/** Cell view: edit a cell, see its DAG, class, size, accuracy heatmaps and learning curves. */
export function CellView({ loaded }: { loaded: LoadedBenchmark }) {
  const { benchmark } = loaded;
  const [cellCode, setCellCode] = useState('0|10|210');
  const [mode, setMode] = useState<Mode>('valid');
  const [seed, setSeed] = useState<number | undefined>(undefined);
  const [point, setPoint] = useState({ lr: 0.1, batchSize: 256 });

  const cellClass = cellClassOf(cellCode);
  const cost = networkCost(cellCode, protocolShape(benchmark));
  const shortGrid = useMemo(
    () => cellGrid(benchmark, cellCode, { schedule: 'short', mode }, seed),
    [benchmark, cellCode, mode, seed],
  );
  const longGrid = useMemo(
    () => cellGrid(benchmark, cellCode, { schedule: 'long' }),
    [benchmark, cellCode],
  );
  const index = configIndex({ cellCode, ...point });
  const curves = useMemo(() => learningCurves(benchmark, index, seed), [benchmark, index, seed]);
  const { shortEpochs, longEpochs } = benchmark.protocol;
  const seedText = seed === undefined ? 'mean over seeds' : `seed ${seed}`;
  const pick = (target: EventTarget | null) => {
    const picked = gridPointAt(target);
    if (picked) setPoint(picked);
  };

  const selectPoint = (patch: Partial<typeof point>) => setPoint({ ...point, ...patch });
  const memberCount = cellClass.members.length;

  return (
    <section class="view" data-testid="cell-view">
      <ProvenanceBar
        benchmark={benchmark}
        label={loaded.label}
        showing={`cell ${cellCode}: ${shortEpochs}-epoch ${mode} accuracy (${seedText}) and ${longEpochs}-epoch test accuracy; * = predicted`}
      />
      <div class="row">
        <div class="panel cell-panel">
          <h2>Cell</h2>
          <CellEditor cellCode={cellCode} onChange={setCellCode} />
          <CellDag cellCode={cellCode} />
          <dl class="facts" data-testid="cell-facts">
            <dt>Class</dt>
            <dd data-testid="cell-class">
              {cellClass.id} of 1,011 ({memberCount} equivalent code{memberCount === 1 ? '' : 's'})
            </dd>
            <dt>Representative</dt>
            <dd>
              <button
                type="button"
                class="link"
                data-testid="cell-representative"
                onClick={() => setCellCode(cellClass.representative)}
              >
                {cellClass.representative}
              </button>
              {cellClass.representative === cellCode ? ' (this cell)' : ' (queried for this cell)'}
            </dd>
            <dt>Parameters</dt>
            <dd data-testid="cell-parameters">{formatCount(cost.parameters)}</dd>
            <dt title="multiply-accumulates of one forward pass of one 32 × 32 image">
              FLOPs (MACs / image)
            </dt>
            <dd data-testid="cell-flops">{formatCount(cost.flops)}</dd>
          </dl>
          {memberCount > 1 ? (
            <details class="members">
              <summary>The {memberCount} codes of this class</summary>
              <p>
                {cellClass.members.map((member) => (
                  <button
                    key={member}
                    type="button"
                    class="link code"
                    onClick={() => setCellCode(member)}
                  >
                    {member}
                  </button>
                ))}
              </p>
            </details>
          ) : null}
        </div>
        <div class="panel">
          <h2>
            {shortEpochs} epochs{' '}
            <select
              data-testid="heatmap-mode"
              value={mode}
              onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as Mode)}
            >
              <option value="valid">valid</option>
              <option value="test">test</option>
              <option value="train">train</option>
            </select>{' '}
            <SeedSelect
              seeds={benchmark.seeds}
              value={seed}
              onChange={setSeed}
              testId="heatmap-seed"
            />
          </h2>
          <PlotFigure
            onPick={pick}
            testId="heatmap-short"
            deps={[shortGrid, point]}
            render={() =>
              gridHeatmap(shortGrid, {
                label: `${mode} accuracy (%)`,
                what: mode,
                selected: point,
              })
            }
            caption="Click a cell to show its learning curves (red outline). * marks predicted values."
          />
        </div>
        <div class="panel">
          <h2>{longEpochs} epochs, test</h2>
          <PlotFigure
            testId="heatmap-long"
            deps={[longGrid]}
            render={() => gridHeatmap(longGrid, { label: 'test accuracy (%)', what: 'test' })}
            caption={longCaption(longGrid)}
          />
        </div>
      </div>
      <div class="row">
        <div class="panel wide">
          <h2>
            Learning curves at lr{' '}
            <select
              data-testid="curve-lr"
              value={String(point.lr)}
              onChange={(e) =>
                selectPoint({ lr: Number((e.currentTarget as HTMLSelectElement).value) })
              }
            >
              {LEARNING_RATES.map((lr) => (
                <option key={lr} value={String(lr)}>
                  {lr}
                </option>
              ))}
            </select>{' '}
            batch{' '}
            <select
              data-testid="curve-batch"
              value={String(point.batchSize)}
              onChange={(e) =>
                selectPoint({ batchSize: Number((e.currentTarget as HTMLSelectElement).value) })
              }
            >
              {BATCH_SIZES.map((size) => (
                <option key={size} value={String(size)}>
                  {size}
                </option>
              ))}
            </select>{' '}
            <SeedSelect
              seeds={benchmark.seeds}
              value={seed}
              onChange={setSeed}
              testId="curve-seed"
            />
          </h2>
          {curves.length === 0 ? (
            <p class="notice">
              The benchmark holds no run for this configuration
              {seed === undefined ? '' : ` and seed ${seed}`}.
            </p>
          ) : (
            <div class="row">
              <PlotFigure
                testId="learning-curves"
                deps={[curves]}
                render={() =>
                  Plot.plot({
                    width: 560,
                    height: 280,
                    x: {
                      label: 'epoch',
                      domain: [1, shortEpochs],
                      ticks: epochTicks(shortEpochs),
                      tickFormat: 'd',
                    },
                    y: { label: 'accuracy (%)', grid: true },
                    color: { legend: true, domain: ['train', 'valid', 'test'] },
                    marks: [
                      Plot.line(curves, {
                        x: 'epoch',
                        y: 'accuracyPct',
                        stroke: 'split',
                        marker: 'dot',
                        tip: true,
                      }),
                    ],
                  })
                }
              />
              <CostTable
                benchmark={benchmark}
                index={index}
                seed={seed}
                measured={benchmark.isMeasured(index)}
              />
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** Integer epoch ticks, at most about ten of them. */
function epochTicks(epochs: number): number[] {
  const step = Math.max(1, Math.ceil(epochs / 10));
  const ticks: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch += step) ticks.push(epoch);
  if (ticks[ticks.length - 1] !== epochs) ticks.push(epochs);
  return ticks;
}

function longCaption(grid: readonly { measured: boolean; accuracyPct: number }[]): string {
  const present = grid.filter((p) => !Number.isNaN(p.accuracyPct));
  const measured = present.filter((p) => p.measured).length;
  return (
    `Mean over seeds. ${measured} of ${present.length} values were trained for this cell; ` +
    'the rest (* and dashed outline) are predicted by the surrogate.'
  );
}

interface CostTableProps {
  readonly benchmark: Benchmark;
  readonly index: number;
  readonly seed?: number;
  readonly measured: boolean;
}

function CostTable({ benchmark, index, seed, measured }: CostTableProps) {
  const epochs = benchmark.protocol.shortEpochs;
  const rows: { mode: Mode; passes: string }[] = [
    { mode: 'train', passes: 'train' },
    { mode: 'valid', passes: 'train + valid' },
    { mode: 'test', passes: 'train + valid + test' },
  ];
  return (
    <table class="cost" data-testid="cost-table">
      <caption>
        Training cost of {epochs} epochs charged to a query (official semantics), seconds
        {seed === undefined ? ', mean over seeds' : `, seed ${seed}`}
        {measured ? '' : ' (predicted run)'}
      </caption>
      <thead>
        <tr>
          <th>query mode</th>
          <th>passes charged</th>
          <th>seconds</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ mode, passes }) => (
          <tr key={mode}>
            <td>{mode}</td>
            <td>{passes}</td>
            <td class="number" data-testid={`cost-${mode}`}>
              {benchmark.costAt(index, mode, epochs, seed).toFixed(1)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

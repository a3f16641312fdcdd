import type { Benchmark, Mode } from '@nashpobench2/dataset';
import * as Plot from '@observablehq/plot';
import {
  BATCH_SIZES,
  cellClassOf,
  configIndex,
  LEARNING_RATES,
  type NetworkShape,
  networkCost,
} from '@nashpobench2/search-space';
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
  const longGrid = useMemo(() => cellGrid(benchmark, cellCode, { schedule: 'long' }), [benchmark, cellCode]);
  const index = configIndex({ cellCode, ...point });
  const curves = useMemo(() => learningCurves(benchmark, index, seed), [benchmark, index, seed]);
  const { shortEpochs, longEpochs } = benchmark.protocol;
  const seedText = seed === undefined ? 'mean over seeds' : `seed ${seed}`;
  const pick = (event: MouseEvent) => {
    const picked = gridPointAt(event.target);
    if (picked) setPoint(picked);
  };

  return (
    <section class="view" data-testid="cell-view">
      <ProvenanceBar
        benchmark={benchmark}
        label={loaded.label}
        showing={`cell ${cellCode}: ${shortEpochs}-epoch ${mode} accuracy (${seedText}) and ${longEpochs}-epoch test accuracy; * = predicted`}
      />
      <div class="row">
        <div class="panel">
          <h2>Cell</h2>
          <CellEditor cellCode={cellCode} onChange={setCellCode} />
          <CellDag cellCode={cellCode} />
          <dl class="facts" data-testid="cell-facts">
            <dt>Class</dt>
            <dd data-testid="cell-class">
              {cellClass.id} of 1,011 ({cellClass.members.length} equivalent codes)
            </dd>
            <dt>Representative</dt>
            <dd>
              <button type="button" class="link" onClick={() => setCellCode(cellClass.representative)}>
                {cellClass.representative}
              </button>
            </dd>
            <dt>Parameters</dt>
            <dd data-testid="cell-parameters">{formatCount(cost.parameters)}</dd>
            <dt>FLOPs (multiply-adds / image)</dt>
            <dd data-testid="cell-flops">{formatCount(cost.flops)}</dd>
          </dl>
        </div>
        <div class="panel">
          <h2>
            {shortEpochs} epochs{' '}
            <select data-testid="heatmap-mode" value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as Mode)}>
              <option value="valid">valid</option>
              <option value="test">test</option>
              <option value="train">train</option>
            </select>{' '}
            <SeedSelect seeds={benchmark.seeds} value={seed} onChange={setSeed} testId="heatmap-seed" />
          </h2>
          <div onClick={pick} onKeyDown={undefined} role="presentation">
            <PlotFigure
              testId="heatmap-short"
              deps={[shortGrid, point]}
              render={() => gridHeatmap(shortGrid, { label: `${mode} accuracy (%)`, what: mode, selected: point })}
              caption="Click a cell to show its learning curves."
            />
          </div>
        </div>
        <div class="panel">
          <h2>{longEpochs} epochs, test</h2>
          <PlotFigure
            testId="heatmap-long"
            deps={[longGrid]}
            render={() => gridHeatmap(longGrid, { label: 'test accuracy (%)', what: 'test' })}
            caption="Mean over seeds; * marks values predicted by the surrogate, the rest were trained."
          />
        </div>
      </div>
      <div class="row">
        <div class="panel wide">
          <h2>
            Learning curves at lr{' '}
            <select data-testid="curve-lr" value={String(point.lr)} onChange={(e) => setPoint({ ...point, lr: Number((e.currentTarget as HTMLSelectElement).value) })}>
              {LEARNING_RATES.map((lr) => (
                <option key={lr} value={String(lr)}>
                  {lr}
                </option>
              ))}
            </select>{' '}
            batch{' '}
            <select data-testid="curve-batch" value={String(point.batchSize)} onChange={(e) => setPoint({ ...point, batchSize: Number((e.currentTarget as HTMLSelectElement).value) })}>
              {BATCH_SIZES.map((size) => (
                <option key={size} value={String(size)}>
                  {size}
                </option>
              ))}
            </select>{' '}
            ({seedText})
          </h2>
          {curves.length === 0 ? (
            <p class="notice">The benchmark holds no run for this configuration{seed === undefined ? '' : ` and seed ${seed}`}.</p>
          ) : (
            <div class="row">
              <PlotFigure
                testId="learning-curves"
                deps={[curves]}
                render={() =>
                  Plot.plot({
                    width: 520,
                    height: 280,
                    x: { label: 'epoch', domain: [1, shortEpochs] },
                    y: { label: 'accuracy (%)', grid: true },
                    color: { legend: true, domain: ['train', 'valid', 'test'] },
                    marks: [
                      Plot.line(curves, { x: 'epoch', y: 'accuracyPct', stroke: 'split', marker: 'dot', tip: true }),
                    ],
                  })
                }
              />
              <CostTable benchmark={benchmark} index={index} seed={seed} />
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

function CostTable({ benchmark, index, seed }: { benchmark: Benchmark; index: number; seed?: number }) {
  const epochs = benchmark.protocol.shortEpochs;
  const rows: { mode: Mode; passes: string }[] = [
    { mode: 'train', passes: 'train' },
    { mode: 'valid', passes: 'train + valid' },
    { mode: 'test', passes: 'train + valid + test' },
  ];
  return (
    <table class="cost" data-testid="cost-table">
      <caption>
        Simulated cost of {epochs} epochs (official semantics), seconds
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
            <td class="number">{benchmark.costAt(index, mode, epochs, seed).toFixed(1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import {
  type BenchmarkAnalysis,
  DISTANT_MIN_STEPS,
  type OptimizationGap,
  type ProxyQuality,
  settingLabel,
  type TableAnalysis,
  type TableOptimum,
} from '@nashpobench2/dataset';
import { BATCH_SIZES, cellClasses, LEARNING_RATES } from '@nashpobench2/search-space';
import { type FigureSpec, tableTag } from './figures.js';

/** What the report links to: figure stems rendered next to it, with or without PNG copies. */
export interface ReportFiles {
  /** Figures written under `figures/`. */
  figures: FigureSpec[];
  /** Whether PNG copies were written beside the SVGs. */
  png: boolean;
}

const num = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const pp = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} pp` : '–');
const pct = (share: number) => (Number.isFinite(share) ? `${(100 * share).toFixed(1)} %` : '–');
const verdict = (holds: boolean | null) =>
  holds === null ? 'no verdict' : holds ? '**holds**' : '**does not hold**';

function tableName(table: TableAnalysis): string {
  return `${table.label}${table.selection === 'measured' ? ' (measured only)' : ''}`;
}

function optimum(o: TableOptimum): string {
  const cell = cellClasses()[o.classId].representative;
  return `class ${o.classId} (\`${cell}\`) at ${settingLabel(o.setting)}: ${num(o.accuracy, 2)} %`;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function figureLines(files: ReportFiles, stems: (name: string) => boolean): string[] {
  return files.figures
    .filter((figure) => stems(figure.name))
    .flatMap((figure) => {
      const png = files.png ? ` ([PNG](figures/${figure.name}.png))` : '';
      return [
        `![${figure.caption}](figures/${figure.name}.svg)`,
        '',
        `*${figure.caption}*${png}`,
        '',
      ];
    });
}

function proxyRow(label: string, p: ProxyQuality): string {
  return row([
    label,
    p.configurations,
    num(p.kendallTau),
    num(p.spearmanRho),
    num(p.meanWithinSettingTau),
    pp(p.regret),
    pp(p.topKRegret),
    pct(p.shortBestLongRankShare),
  ]);
}

/** The best architecture class under each setting, as an lr × batch-size table. */
function bestArchitectureGrid(table: TableAnalysis): string[] {
  const best = table.correlation.bestClassBySetting;
  const lines = [
    `Best architecture class under each setting (${tableName(table)}; ${table.correlation.distinctBestArchitectures} different):`,
    '',
    row(['lr \\ batch size', ...BATCH_SIZES.map(String)]),
    row(['---', ...BATCH_SIZES.map(() => '---:')]),
  ];
  LEARNING_RATES.forEach((lr, lrIndex) => {
    const cells = BATCH_SIZES.map((_, b) => {
      const id = best[lrIndex * BATCH_SIZES.length + b];
      return id < 0 ? '–' : String(id);
    });
    lines.push(row([String(lr), ...cells]));
  });
  lines.push('');
  return lines;
}

/** The paper's two findings in plain words, one line per table they were judged on. */
function findingsSummary(analysis: BenchmarkAnalysis): string[] {
  const findings = [
    ['rankings-disagree', 'the best architecture changes with the training hyperparameters'],
    ['joint-beats-sequential', 'joint optimization beats optimizing one after the other'],
  ] as const;
  const lines = ["## The paper's findings on this benchmark", ''];
  findings.forEach(([id, text], k) => {
    const verdicts = analysis.claims.filter((c) => c.paperFinding && c.id === id);
    const on = verdicts.map((c) => {
      const word = c.holds === null ? 'no verdict' : c.holds ? 'holds' : 'does not hold';
      return `**${word}** on ${c.table}`;
    });
    lines.push(`${k + 1}. *${text}*: ${on.length > 0 ? on.join('; ') : 'no data'}.`);
  });
  lines.push('');
  return lines;
}

/** The Markdown report: verdicts first, then one short section per finding, figures inline. */
export function reportMarkdown(analysis: BenchmarkAnalysis, files: ReportFiles): string {
  const b = analysis.benchmark;
  const tables = [
    analysis.short,
    analysis.shortMeasured,
    analysis.long,
    analysis.longMeasured,
  ].filter((t): t is TableAnalysis => t !== null);
  const grid = tables.filter((t) => t.bestSettings !== null);
  const lines: string[] = [];
  const push = (...text: string[]) => lines.push(...text);

  push(
    '# Do architecture and training hyperparameters interact?',
    '',
    `Benchmark: protocol \`${b.protocol}\` (${b.shortEpochs} and ${b.longEpochs} epochs, seeds ${b.seeds.join(', ')}), source: ${b.source}.`,
    '',
    row(['table', 'architectures', 'with all 48 settings', 'values']),
    row(['---', '---:', '---:', '---:']),
    ...tables.map((t) => row([tableName(t), t.architectures, t.completeArchitectures, t.values])),
    '',
  );
  if (b.synthetic) {
    push(
      `> **Synthetic benchmark.** These numbers come from a generated benchmark (data source: ${b.dataSource}), not from trained networks. They show what the analysis reports; they say nothing about whether the paper's claims hold for real CNNs on CIFAR-10.`,
      '',
    );
  } else {
    push(`Data source: ${b.dataSource}.`, '');
  }
  if (analysis.longMeasured || analysis.shortMeasured) {
    push(
      'Some values in this benchmark are predicted by a surrogate, not trained; each finding is given on all values and on the measured ones alone.',
      '',
    );
  }

  push(...findingsSummary(analysis));
  push(
    '## Verdicts',
    '',
    'Each claim is judged on the short table and on one long table: the measured long values when at least 10 architectures have all 48 of them, else every long value. The criterion of each verdict is stated with its evidence.',
    '',
    row(['claim', 'on', 'verdict', 'evidence']),
    row(['---', '---', '---', '---']),
  );
  for (const c of analysis.claims) push(row([c.claim, c.table, verdict(c.holds), c.evidence]));
  push('');

  push(
    '## 1. Rankings of architectures under different settings',
    '',
    `Kendall τ-b between the rankings of the architectures that two settings induce, for all ${(48 * 47) / 2} pairs of settings. Neighbouring: one step apart in lr or batch size; distant: ${DISTANT_MIN_STEPS} or more steps apart in total.`,
    '',
    row([
      'table',
      'neighbouring τ',
      'distant τ',
      'all pairs τ',
      'least correlated pair',
      'architectures best somewhere',
    ]),
    row(['---', '---:', '---:', '---:', '---', '---:']),
  );
  for (const t of tables) {
    const c = t.correlation;
    const lowest = c.lowest
      ? `${settingLabel(c.lowest.a)} vs ${settingLabel(c.lowest.b)}: ${num(c.lowest.tau)}`
      : '–';
    push(
      row([
        tableName(t),
        num(c.neighbouringMeanTau),
        num(c.distantMeanTau),
        num(c.overallMeanTau),
        lowest,
        c.distinctBestArchitectures,
      ]),
    );
  }
  push('');
  if (analysis.seedAgreement) {
    push(
      `Noise ceiling: two seeds at the same setting rank the architectures with mean τ ${num(analysis.seedAgreement.meanTau)} (${b.shortEpochs} epochs), so settings that agree less than that disagree beyond training noise. One configuration's ${b.shortEpochs}-epoch valid accuracy varies between seeds with a standard deviation of ${pp(analysis.seedAgreement.meanSeedStd)} on average; the joint vs sequential verdicts require a mean gap above it.`,
      '',
    );
  }
  const ratio = analysis.short.correlation.byRatio[0];
  push(
    `Linear-scaling check on rankings (${tableTag(analysis.short)}): settings where lr and batch size both double agree with τ ${num(ratio.sameRatioMeanTau)}, settings where one doubles and the other halves with τ ${num(ratio.oppositeRatioMeanTau)}.`,
    '',
    ...bestArchitectureGrid(analysis.short),
    ...figureLines(files, (name) => name.startsWith('tau-')),
  );

  push(
    '## 2. Best setting of each architecture',
    '',
    row([
      'table',
      'architectures',
      'best fixed setting',
      'setting of the best configuration',
      'settings best somewhere',
      'differ from fixed (all / top 10 %)',
      'loss at fixed (all / top 10 %)',
      'differ from the best configuration’s setting (all / top 10 %)',
      'same at every setting (left out)',
    ]),
    row(['---', '---:', '---', '---', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const t of grid) {
    const s = t.bestSettings!;
    push(
      row([
        tableName(t),
        s.all.architectures,
        settingLabel(s.globalBestSetting),
        settingLabel(s.bestConfigurationSetting),
        s.distinctBestSettings,
        `${pct(s.all.shareDifferent)} / ${pct(s.top.shareDifferent)}`,
        `${pp(s.all.meanLossAtGlobal)} / ${pp(s.top.meanLossAtGlobal)}`,
        `${pct(s.all.shareDifferentFromBestConfiguration)} / ${pct(s.top.shareDifferentFromBestConfiguration)}`,
        s.indifferentArchitectures,
      ]),
    );
  }
  push(
    '',
    'The best fixed setting is the one with the highest mean accuracy over all architectures.',
    '',
  );
  push(...figureLines(files, (name) => name === 'best-setting-histogram'));

  push(
    '## 3. Joint against sequential optimization',
    '',
    'Computed exhaustively on each table: every stage picks the exact best, so this is sequential optimization at its best, without search noise or budget (`nhb compare` runs the budgeted optimizers of the paper). Gaps are the joint optimum minus what the strategy reaches, in percent points, over every starting choice: each architecture class once, or each cell code once (a class weighted by its number of codes, as the random cell of the paper’s two-stage baseline), or each of the 48 settings.',
    '',
  );
  const gapBlocks: { title: string; gap: OptimizationGap }[] = grid
    .filter((t) => t.gap !== null)
    .map((t) => ({ title: tableName(t), gap: t.gap! }));
  const protocol = [analysis.protocolGap, analysis.protocolGapMeasured];
  protocol.forEach((gap, k) => {
    if (!gap) return;
    const measured = k === 1 ? ' (measured only)' : '';
    const title = `Chosen on ${gap.label}, scored by ${gap.scoreLabel}${measured}, the benchmark's protocol`;
    gapBlocks.push({ title, gap });
  });
  for (const { title, gap: g } of gapBlocks) {
    const word = g.scoreLabel === g.label ? 'optimum' : 'choice';
    push(
      `**${title}.** Joint ${word}: ${optimum(g.joint)}. Best architecture under the best fixed setting: ${optimum(g.nasAtBestFixedSetting)} (gap ${pp(g.gapAtBestFixedSetting)}).`,
      '',
      row([
        'strategy',
        'starts',
        'mean gap',
        'median',
        '95 % quantile',
        'max',
        `reach the joint ${word}`,
        'mean gap, by cell code',
        'reach it, by cell code',
      ]),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      ...g.strategies.map((s) => {
        const byCode = s.startsOver === 'architecture';
        return row([
          `${s.name}: ${s.description}`,
          s.summary.count,
          pp(s.summary.mean),
          pp(s.summary.median),
          pp(s.summary.q95),
          pp(s.summary.max),
          pct(s.summary.shareZero),
          byCode ? pp(s.summaryByCellCode.mean) : 'same',
          byCode ? pct(s.summaryByCellCode.shareZero) : 'same',
        ]);
      }),
      '',
    );
  }
  if (analysis.protocolGap) {
    push(
      'In the protocol blocks every choice is made on short-training valid accuracy and valued by long-training test accuracy, as the benchmark reports an optimizer’s pick; a negative gap means that start ended on a configuration that trains better for long than the joint short-training choice.',
      '',
    );
  }
  push(...figureLines(files, (name) => name === 'optimization-gap'));

  push('## 4. Short training as a proxy of long training', '');
  if (analysis.proxy) {
    push(
      row([
        'long values',
        'configurations',
        'Kendall τ',
        'Spearman ρ',
        'τ within a setting (mean)',
        'regret of the short best',
        'regret, best of its top 10',
        'long values above the short best',
      ]),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      proxyRow(analysis.proxyMeasured ? 'all (includes predicted)' : 'all', analysis.proxy),
      ...(analysis.proxyMeasured ? [proxyRow('measured only', analysis.proxyMeasured)] : []),
      '',
      `The short-schedule best is ${optimum({ ...analysis.proxy.shortBest, accuracy: analysis.proxy.shortBest.shortAccuracy })}; it reaches ${num(analysis.proxy.shortBest.longAccuracy, 2)} % after long training, against the long best ${num(analysis.proxy.longBest.longAccuracy, 2)} %.`,
      '',
      ...figureLines(files, (name) => name === 'proxy-density'),
    );
  } else {
    push('This benchmark has no long-training values.', '');
  }

  push(
    '## 5. Learning rate and batch size',
    '',
    row([
      'table',
      'top architectures',
      'best lr of the mean, per batch size',
      'slope of log2 best lr on log2 batch size',
      'nearest rule',
      'best lr at the grid edge',
    ]),
    row(['---', '---:', '---', '---:', '---', '---:']),
  );
  for (const t of grid) {
    const r = t.lrBatch!;
    push(
      row([
        tableName(t),
        r.architectures.length,
        r.bestLrOfMean.join(', '),
        `${num(r.slope, 2)} ± ${num(r.slopeStandardError, 2)}`,
        r.nearestRule,
        pct(r.shareAtGridEdge),
      ]),
    );
  }
  push(
    '',
    'Batch sizes in order 16, 32, 64, 128, 256, 512. The slope is fitted to every (top architecture, batch size) pair, its standard error treating them as independent. The linear scaling rule predicts slope 1, square-root scaling 0.5, no scaling 0; best learning rates at the edge of the grid are censored, which pulls the slope towards 0.',
    '',
    ...figureLines(files, (name) => name.startsWith('lr-batch') || name.startsWith('best-lr')),
    '---',
    '',
    'Written by `nhb analyze`; every number is also in `analysis.json`.',
    '',
  );
  return lines.join('\n');
}

import type { BenchmarkAnalysis, TableAnalysis } from './analyze-benchmark.js';
import { ACCURACY_EPSILON } from './distribution.js';
import type { OptimizationGap } from './optimization-gap.js';
import { DISTANT_MIN_STEPS } from './setting-correlation.js';

/** Fewest complete measured architectures for a measured-only table to carry a verdict, 10. */
const MIN_MEASURED_ARCHITECTURES = 10;

/** A plain verdict on one claim, on one table. */
export interface ClaimVerdict {
  /** Stable id: `'rankings-disagree'`, `'best-setting-varies'`, `'joint-beats-sequential'`, `'linear-scaling'`, `'short-proxy'`. */
  id: string;
  /** The claim in one sentence. */
  claim: string;
  /** Label of the table judged, with `(measured only)` or `(includes predicted values)`. */
  table: string;
  /** True / false by the stated criterion; null where there is no criterion or no data. */
  holds: boolean | null;
  /** The criterion and the numbers behind the verdict. */
  evidence: string;
  /** Whether the claim is one of the paper's two findings (SPEC section 7), not a side check. */
  paperFinding: boolean;
}

/** Ids of the verdicts that test the paper's own findings. */
const PAPER_FINDINGS = new Set(['rankings-disagree', 'joint-beats-sequential']);

const pct = (share: number) => `${(100 * share).toFixed(1)} %`;
const pp = (value: number) => `${value.toFixed(2)} pp`;
const tau = (value: number) => value.toFixed(3);

function tableName(table: TableAnalysis, predictedPresent: boolean): string {
  if (table.selection === 'measured') return `${table.label} (measured only)`;
  return predictedPresent ? `${table.label} (includes predicted values)` : table.label;
}

type Verdict = Omit<ClaimVerdict, 'paperFinding'>;

/** The verdict on joint vs sequential from an exhaustive gap analysis. */
function jointVerdict(g: OptimizationGap | null, name: string, seedStd: number | null): Verdict {
  const twoStage = g?.strategies.find((s) => s.name === 'hpo-then-nas');
  const scoredApart = g !== null && g.scoreLabel !== g.label;
  // A gap below the run-to-run noise of one configuration would not matter to anyone.
  const threshold = Math.max(ACCURACY_EPSILON, seedStd ?? 0);
  const misses = (summary: { mean: number; shareZero: number }) =>
    summary.mean > threshold && summary.shareZero < 0.5;
  const noiseText =
    seedStd === null ? 'above 0' : `above the seed-to-seed standard deviation ${pp(seedStd)}`;
  return {
    id: 'joint-beats-sequential',
    claim:
      'Joint optimization beats optimizing hyperparameters and architecture one after the other.',
    table: name,
    holds: g && twoStage ? misses(twoStage.summary) && misses(twoStage.summaryByCellCode) : null,
    evidence:
      g && twoStage
        ? `HPO on a starting architecture then NAS (both exhaustive${scoredApart ? `, choosing on ${g.label}` : ''}) ` +
          `reaches the joint choice from ${pct(twoStage.summary.shareZero)} of starting ` +
          `architectures (${pct(twoStage.summaryByCellCode.shareZero)} of starting cell codes), ` +
          `mean gap ${pp(twoStage.summary.mean)} (${pp(twoStage.summaryByCellCode.mean)} by cell ` +
          `code, 95 % quantile ${pp(twoStage.summary.q95)}); NAS under the best fixed setting ` +
          `misses it by ${pp(g.gapAtBestFixedSetting)} (criterion: most starts miss and the mean ` +
          `gap is ${noiseText}, counting architectures and cell codes alike)`
        : 'no architecture has all 48 values',
  };
}

function judgeTable(
  table: TableAnalysis,
  name: string,
  noiseCeiling: number | null,
  seedStd: number | null,
): Verdict[] {
  const verdicts: Verdict[] = [];
  const c = table.correlation;
  const belowNoise = noiseCeiling === null || c.distantMeanTau < noiseCeiling;
  const ceilingText = noiseCeiling === null ? '' : `, seed-to-seed τ ${tau(noiseCeiling)}`;
  verdicts.push({
    id: 'rankings-disagree',
    claim:
      'The best architecture changes with the training hyperparameters: architecture rankings ' +
      'under different lr / batch-size settings disagree.',
    table: name,
    holds: Number.isFinite(c.distantMeanTau)
      ? c.distantMeanTau < c.neighbouringMeanTau && c.distinctBestArchitectures > 1 && belowNoise
      : null,
    evidence:
      `mean τ ${tau(c.neighbouringMeanTau)} for neighbouring settings vs ${tau(c.distantMeanTau)} ` +
      `for settings ≥ ${DISTANT_MIN_STEPS} grid steps apart${ceilingText}; ` +
      `${c.distinctBestArchitectures} different architectures are best under some setting ` +
      `(criterion: distant < neighbouring, ${noiseCeiling === null ? '' : 'below the seed-to-seed τ, '}` +
      'more than one best architecture)',
  });

  const b = table.bestSettings;
  verdicts.push({
    id: 'best-setting-varies',
    claim: 'No single lr / batch-size setting is best for most architectures.',
    table: name,
    holds: b ? b.all.shareDifferent > 0.5 : null,
    evidence: b
      ? `${pct(b.all.shareDifferent)} of ${b.all.architectures} architectures (top 10 %: ` +
        `${pct(b.top.shareDifferent)}) have a best setting other than the best fixed one; ` +
        `training each at the fixed one loses ${pp(b.all.meanLossAtGlobal)} on average ` +
        `(top 10 %: ${pp(b.top.meanLossAtGlobal)}) (criterion: share > 50 %)`
      : 'no architecture has all 48 values',
  });

  verdicts.push(jointVerdict(table.gap, name, seedStd));

  const r = table.lrBatch;
  verdicts.push({
    id: 'linear-scaling',
    claim: 'For the top architectures the best learning rate grows linearly with the batch size.',
    table: name,
    holds: r && Number.isFinite(r.slopeStandardError) ? r.linearScalingConsistent : null,
    evidence: r
      ? `slope of log2(best lr) on log2(batch size) ${r.slope.toFixed(2)} ± ` +
        `${r.slopeStandardError.toFixed(2)} over ${r.architectures.length} architectures, ` +
        `nearest: ${r.nearestRule}; ${pct(r.shareAtGridEdge)} of best lr values at the grid's ` +
        'edge (criterion: 1 within slope ± 2 SE)'
      : 'no architecture has all 48 values',
  });
  return verdicts;
}

/** Verdicts on the paper's claims for the short table and the most trustworthy long table. */
export function judgeClaims(analysis: BenchmarkAnalysis): ClaimVerdict[] {
  const shortPredicted = analysis.shortMeasured !== null;
  // The short runs are the only per-seed values, so their noise is the yardstick for every gap.
  const seedStd = analysis.seedAgreement?.meanSeedStd ?? null;
  const verdicts: Verdict[] = judgeTable(
    analysis.short,
    tableName(analysis.short, shortPredicted),
    analysis.seedAgreement?.meanTau ?? null,
    seedStd,
  );

  const measuredLong = analysis.longMeasured;
  const useMeasured =
    measuredLong !== null && measuredLong.completeArchitectures >= MIN_MEASURED_ARCHITECTURES;
  const long = useMeasured ? measuredLong : analysis.long;
  if (long) {
    verdicts.push(...judgeTable(long, tableName(long, measuredLong !== null), null, seedStd));
  }

  const protocolGap = useMeasured ? analysis.protocolGapMeasured : analysis.protocolGap;
  if (protocolGap && long) {
    const scoredBy = tableName(long, measuredLong !== null);
    verdicts.push(jointVerdict(protocolGap, `${protocolGap.label} → ${scoredBy}`, seedStd));
  }

  const proxy = useMeasured ? analysis.proxyMeasured : analysis.proxy;
  if (proxy) {
    verdicts.push({
      id: 'short-proxy',
      claim: 'Short-training valid accuracy ranks configurations like long-training accuracy.',
      table: useMeasured
        ? `${proxy.longLabel} (measured only)`
        : `${proxy.longLabel}${measuredLong !== null ? ' (includes predicted values)' : ''}`,
      holds: null,
      evidence:
        `Kendall τ ${tau(proxy.kendallTau)}, Spearman ρ ${tau(proxy.spearmanRho)} over ` +
        `${proxy.configurations} configurations; picking the short-schedule best loses ` +
        `${pp(proxy.regret)} of long accuracy (best of its top 10: ${pp(proxy.topKRegret)}) ` +
        '(no threshold: the paper makes no claim here)',
    });
  }
  return verdicts.map((v) => ({ ...v, paperFinding: PAPER_FINDINGS.has(v.id) }));
}

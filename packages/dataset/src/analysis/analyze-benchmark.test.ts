import { describe, expect, it } from 'vitest';
import { kendallTau, spearmanRho } from '../rank-statistics.js';
import { plantedBenchmark, plantedLong, plantedShort } from './__fixtures__/planted-benchmark.js';
import { analyzeBenchmark } from './analyze-benchmark.js';
import { settingAt } from './setting-table.js';

const TOLERANCE = 1e-9;
const S7 = 7; // lr 0.00625, batch size 32: A's best
const S40 = 40; // lr 0.2, batch size 256: B's and C's best

const analysis = analyzeBenchmark(plantedBenchmark(), { top: 2 });

/** A second, direct computation of the mean τ between settings at one grid distance. */
function referenceMeanTau(
  value: (arch: number, s: number) => number,
  accept: (d: number) => boolean,
) {
  const taus: number[] = [];
  for (let p = 0; p < 48; p++) {
    for (let q = p + 1; q < 48; q++) {
      const a = settingAt(p);
      const b = settingAt(q);
      const d = Math.abs(a.lrIndex - b.lrIndex) + Math.abs(a.batchIndex - b.batchIndex);
      if (!accept(d)) continue;
      taus.push(
        kendallTau(
          [0, 1, 2].map((k) => value(k, p)),
          [0, 1, 2].map((k) => value(k, q)),
        ),
      );
    }
  }
  return taus.reduce((x, y) => x + y, 0) / taus.length;
}

const short = (arch: number, s: number) =>
  plantedShort(arch, settingAt(s).lrIndex, settingAt(s).batchIndex);
const long = (arch: number, s: number) =>
  plantedLong(arch, settingAt(s).lrIndex, settingAt(s).batchIndex);

describe('analyzeBenchmark on the planted fixture: 12-epoch table', () => {
  const table = analysis.short;

  it('reads every architecture and value', () => {
    expect(table.architectures).toBe(3);
    expect(table.completeArchitectures).toBe(3);
    expect(table.values).toBe(144);
    expect(analysis.shortMeasured).toBeNull(); // every short run is measured
  });

  it('computes the τ between settings', () => {
    // setting 7: A 85 > B 72 > C 70; setting 40: B 80 > C 78 > A 77 → one concordant pair of 3
    expect(table.correlation.tau[S7][S40]).toBeCloseTo(-1 / 3, 12);
    // By hand: B − C = 2 everywhere and A − B = 5 + g(l) + h(b) with g = |l − 6| − |l − 1| =
    // 5 5 3 1 −1 −3 −5 −5 and h = |b − 4| − |b − 1| = 3 3 1 −1 −3 −3 (odd + odd: never a tie).
    // A is first (A B C) where g + h ≥ −4: 40 settings; A is second (B A C) where g + h = −6:
    // (5, 4) (5, 5) (6, 3) (7, 3); A is last (B C A) where g + h = −8: l ∈ {6, 7}, b ∈ {4, 5}.
    // τ of two rankings of three: 1 if equal, 1/3 for one swapped pair (first–second,
    // second–last), −1/3 for first–last. Neighbouring pairs (82): ten cross a boundary, all
    // first–second (6) or second–last (4) → (72 + 10/3) / 82 = 113/123.
    expect(table.correlation.neighbouringMeanTau).toBeCloseTo(113 / 123, 12);
    // All 1128 pairs: equal C(40,2) + 2·C(4,2) = 792, first–second 160 and second–last 16 at
    // 1/3, first–last 160 at −1/3 → (792 + 16/3) / 1128 = 299/423.
    expect(table.correlation.overallMeanTau).toBeCloseTo(299 / 423, 12);
    // Distant pairs (388, ≥ 6 steps; counted with scipy.stats.kendalltau): 233 equal, 66 at 1/3,
    // 89 at −1/3 → (233 + 66/3 − 89/3) / 388 = 169/291.
    expect(table.correlation.distantMeanTau).toBeCloseTo(169 / 291, 12);
    expect(table.correlation.byDistance[0]).toEqual({
      steps: 1,
      pairs: 82,
      meanTau: table.correlation.neighbouringMeanTau,
    });
    // 12 steps apart: (0, 0)–(7, 5), A first against A last (−1/3), and (0, 5)–(7, 0), where
    // g + h = 2 and −2: A first at both (1) → mean 1/3
    expect(table.correlation.byDistance[11].pairs).toBe(2);
    expect(table.correlation.byDistance[11].meanTau).toBeCloseTo(1 / 3, 12);
    expect(table.correlation.lowest?.tau).toBeCloseTo(-1 / 3, 12);
    expect(table.correlation.tau[S40][S7]).toBeCloseTo(-1 / 3, 12);
    expect(table.correlation.tau[S7][S7]).toBe(1);
    expect(table.correlation.neighbouringMeanTau).toBeCloseTo(
      referenceMeanTau(short, (d) => d === 1),
      12,
    );
    expect(table.correlation.distantMeanTau).toBeCloseTo(
      referenceMeanTau(short, (d) => d >= 6),
      12,
    );
    // A is best wherever 5 + g(lr) + h(bs) > 0 (40 settings), B elsewhere; C never
    expect(table.correlation.distinctBestArchitectures).toBe(2);
    expect(table.correlation.bestClassBySetting[S7]).toBe(0);
    expect(table.correlation.bestClassBySetting[S40]).toBe(1);
  });

  it('finds each architecture its best setting', () => {
    const b = table.bestSettings!;
    expect(b.bestSetting).toEqual([S7, S40, S40]);
    expect(b.histogram[S7]).toBe(1);
    expect(b.histogram[S40]).toBe(2);
    expect(b.histogram.reduce((x, y) => x + y, 0)).toBe(3);
    // mean over A, B, C is 81 − (|l−1| + |b−1|)/3 − 2(|l−6| + |b−4|)/3: largest at (6, 4)
    expect(b.globalBestSetting).toBe(S40);
    expect(b.bestConfigurationSetting).toBe(S7);
    expect(b.distinctBestSettings).toBe(2);
    // only A differs, losing 85 − 77 = 8 at setting 40
    expect(b.all.shareDifferent).toBeCloseTo(1 / 3, 12);
    expect(b.all.meanLossAtGlobal).toBeCloseTo(8 / 3, 12);
    expect(b.all.maxLossAtGlobal).toBe(8);
    // against the best configuration's setting (7) B (72 < 80) and C (70 < 78) differ
    expect(b.all.shareDifferentFromBestConfiguration).toBeCloseTo(2 / 3, 12);
    expect(b.top.shareDifferentFromBestConfiguration).toBe(0);
    expect(b.indifferentArchitectures).toBe(0);
    // top 10 % of 3 architectures: A alone
    expect(b.top.architectures).toBe(1);
    expect(b.top.shareDifferent).toBe(1);
    expect(b.top.meanLossAtGlobal).toBe(8);
  });

  it('computes the joint vs sequential gap exhaustively', () => {
    const g = table.gap!;
    expect(g.joint).toEqual({ classId: 0, setting: S7, accuracy: 85 });
    expect(g.bestFixedSetting).toBe(S40);
    expect(g.nasAtBestFixedSetting).toEqual({ classId: 1, setting: S40, accuracy: 80 });
    expect(g.gapAtBestFixedSetting).toBe(5);
    expect(g.cellCodes).toBe(3); // classes 0, 1 and 2 have one cell code each
    const gaps = Object.fromEntries(g.strategies.map((s) => [s.name, s]));
    expect(gaps['hpo-only'].gaps).toEqual([0, 5, 7]);
    expect(gaps['hpo-only'].summary.mean).toBeCloseTo(4, 12);
    expect(gaps['hpo-only'].summary.median).toBe(5);
    expect(gaps['hpo-then-nas'].gaps).toEqual([0, 5, 5]);
    expect(gaps['hpo-then-nas'].summary.shareZero).toBeCloseTo(1 / 3, 12);
    expect(gaps.alternating.gaps).toEqual([0, 5, 5]);
    // NAS picks A in 40 settings (then HPO finds 85) and B in 8 (then 80)
    expect(gaps['nas-then-hpo'].summary.count).toBe(48);
    expect(gaps['nas-then-hpo'].summary.shareZero).toBeCloseTo(40 / 48, 12);
    expect(gaps['nas-then-hpo'].summary.mean).toBeCloseTo((8 * 5) / 48, 12);
    // NAS alone: 85 − max(A, B) per setting; 0 at setting 7, at most 7 (e.g. lr 0.4, bs 16)
    const nasOnly = Array.from({ length: 48 }, (_, s) => 85 - Math.max(short(0, s), short(1, s)));
    expect(gaps['nas-only'].gaps).toEqual(nasOnly);
    // where A wins the gap is |l − 1| + |b − 1| (summed over the whole grid: 6 · 22 + 8 · 11 =
    // 220, less 7 8 7 8 9 8 9 10 = 66 at the 8 settings B wins); where B wins it is
    // 5 + |l − 6| + |b − 4| = 6 7 6 5 6 7 6 7 = 50 → (220 − 66 + 50) / 48 = 17/4
    expect(gaps['nas-only'].summary.mean).toBeCloseTo(17 / 4, 12);
    expect(gaps['nas-only'].summary.min).toBe(0);
    expect(gaps['nas-only'].summary.max).toBe(7);
  });

  it('reads the lr / batch-size relation of the top two architectures', () => {
    const r = table.lrBatch!;
    expect(r.architectures.map((a) => a.classId)).toEqual([0, 1]);
    expect(r.bestLr[0]).toEqual(new Array(6).fill(0.00625));
    expect(r.bestLr[1]).toEqual(new Array(6).fill(0.2));
    // best lr ignores the batch size: slope 0; residuals ±2.5 in log2 units on 12 points,
    // Σ(x − x̄)² = 2 · 17.5 → SE = √(75 / 10 / 35)
    expect(Math.abs(r.slope)).toBeLessThan(TOLERANCE);
    expect(r.slopeStandardError).toBeCloseTo(Math.sqrt(75 / 10 / 35), 12);
    expect(r.linearScalingConsistent).toBe(false);
    // flat fit through the mean of log2 0.00625 and log2 0.2 = log2 0.2 − 2.5
    expect(r.intercept).toBeCloseTo(Math.log2(0.2) - 2.5, 12);
    expect(r.nearestRule).toMatch(/^no scaling/);
    expect(r.shareAtGridEdge).toBe(0);
    expect(r.meanGrid[S7]).toBeCloseTo((85 + 72) / 2, 12);
  });

  it('measures the seed-to-seed agreement', () => {
    // seeds shift every value by the same amount, so their rankings agree exactly
    expect(analysis.seedAgreement!.meanTau).toBe(1);
    expect(analysis.seedAgreement!.seeds).toEqual([222, 555, 888]);
    // shifts −0.25, 0, +0.25: sample std √((0.0625 + 0 + 0.0625) / 2) = 0.25 everywhere
    expect(analysis.seedAgreement!.meanSeedStd).toBeCloseTo(0.25, 12);
  });
});

describe('analyzeBenchmark on the planted fixture: long table and proxy', () => {
  it('analyses all long values', () => {
    const table = analysis.long!;
    // setting 7: A 95 > C 90 > B 82; setting 40: C 98 > B 90 > A 87 → only B–C agrees
    expect(table.correlation.tau[S7][S40]).toBeCloseTo(-1 / 3, 12);
    expect(table.correlation.distantMeanTau).toBeCloseTo(
      referenceMeanTau(long, (d) => d >= 6),
      12,
    );
    // long: C − B = 8 everywhere, A − C = g + h − 3: A first (A C B) where g + h ≥ 4 (13
    // settings), second (C A B) where −4 ≤ g + h ≤ 2 (27), last (C B A) where g + h ≤ −6 (8).
    // All pairs: equal 78 + 351 + 28 = 457, 13 · 27 + 27 · 8 = 567 at 1/3, 13 · 8 = 104 at −1/3
    // → (457 + 463/3) / 1128 = 917/1692; distant (scipy): 108 equal, 182 at 1/3, 98 at −1/3.
    expect(table.correlation.overallMeanTau).toBeCloseTo(917 / 1692, 12);
    expect(table.correlation.distantMeanTau).toBeCloseTo(34 / 97, 12);
    // neighbouring: 14 of 82 pairs cross a boundary, each one swap → (68 + 14/3) / 82
    expect(table.correlation.neighbouringMeanTau).toBeCloseTo(109 / 123, 12);
    expect(table.correlation.distinctBestArchitectures).toBe(2); // A at 13 settings, C at 35
    const b = table.bestSettings!;
    expect(b.bestSetting).toEqual([S7, S40, S40]);
    expect(b.bestConfigurationSetting).toBe(S40);
    expect(b.top.shareDifferent).toBe(0); // C, the best, agrees with the global setting
    const g = table.gap!;
    expect(g.joint).toEqual({ classId: 2, setting: S40, accuracy: 98 });
    expect(g.gapAtBestFixedSetting).toBe(0);
    const gaps = Object.fromEntries(g.strategies.map((s) => [s.name, s]));
    expect(gaps['hpo-only'].gaps).toEqual([3, 8, 0]);
    expect(gaps['hpo-then-nas'].gaps).toEqual([3, 0, 0]);
    // NAS picks A where g + h ≥ 3 (13 settings, then 95) and C elsewhere (98)
    expect(gaps['nas-then-hpo'].summary.mean).toBeCloseTo((13 * 3) / 48, 12);
  });

  it('keeps a measured-only variant without the predicted architecture', () => {
    const table = analysis.longMeasured!;
    expect(table.selection).toBe('measured');
    expect(table.architectures).toBe(2);
    expect(table.gap!.joint).toEqual({ classId: 0, setting: S7, accuracy: 95 });
  });

  it('scores choices made on 12 epochs by 200-epoch accuracy (the benchmark protocol)', () => {
    const g = analysis.protocolGap!;
    expect(g.label).toBe('12-epoch valid accuracy');
    expect(g.scoreLabel).toBe('200-epoch test accuracy');
    // the 12-epoch joint choice A at setting 7 scores 95 after long training (C at 40 has 98)
    expect(g.joint).toEqual({ classId: 0, setting: S7, accuracy: 95 });
    // NAS at the best fixed setting (40) picks B on 12 epochs: 90 at 200
    expect(g.nasAtBestFixedSetting).toEqual({ classId: 1, setting: S40, accuracy: 90 });
    expect(g.gapAtBestFixedSetting).toBe(5);
    const gaps = Object.fromEntries(g.strategies.map((s) => [s.name, s]));
    // HPO alone on C picks setting 40 where C scores 98: 3 points above the joint choice
    expect(gaps['hpo-only'].gaps).toEqual([0, 5, -3]);
    expect(gaps['hpo-only'].summary.shareZero).toBeCloseTo(2 / 3, 12);
    expect(gaps['hpo-then-nas'].gaps).toEqual([0, 5, 5]);
    expect(gaps.alternating.gaps).toEqual([0, 5, 5]);
    // A and B score short + 10, so NAS alone loses what it lost at 12 epochs: mean 17/4
    expect(gaps['nas-only'].summary.mean).toBeCloseTo(17 / 4, 12);
    // NAS then HPO: A (40 settings, then 95) or B (8, then 90)
    expect(gaps['nas-then-hpo'].summary.mean).toBeCloseTo((8 * 5) / 48, 12);
    // scored by measured values only, C (predicted) drops out: A and B remain
    const m = analysis.protocolGapMeasured!;
    expect(m.architectures).toBe(2);
    expect(m.strategies.find((s) => s.name === 'hpo-only')!.gaps).toEqual([0, 5]);
  });

  it('rates the 12-epoch proxy', () => {
    const p = analysis.proxy!;
    expect(p.configurations).toBe(144);
    expect(p.shortBest).toEqual({ classId: 0, setting: S7, shortAccuracy: 85, longAccuracy: 95 });
    expect(p.longBest).toEqual({ classId: 2, setting: S40, shortAccuracy: 78, longAccuracy: 98 });
    expect(p.regret).toBe(3);
    // the ten best short values are all A's, whose long best is 95
    expect(p.topKRegret).toBe(3);
    // C beats 95 where its short value exceeds 75: 11 settings within 2 steps of (6, 4)
    expect(p.shortBestLongRankShare).toBeCloseTo(11 / 144, 12);
    const s: number[] = [];
    const l: number[] = [];
    for (let arch = 0; arch < 3; arch++) {
      for (let k = 0; k < 48; k++) {
        s.push(short(arch, k));
        l.push(long(arch, k));
      }
    }
    expect(p.kendallTau).toBeCloseTo(kendallTau(s, l), 12);
    expect(p.spearmanRho).toBeCloseTo(spearmanRho(s, l), 12);
    const within = Array.from({ length: 48 }, (_, k) =>
      kendallTau(
        [0, 1, 2].map((a) => short(a, k)),
        [0, 1, 2].map((a) => long(a, k)),
      ),
    );
    expect(p.meanWithinSettingTau).toBeCloseTo(within.reduce((x, y) => x + y, 0) / 48, 12);
    // By hand: B > C at 12 epochs and C > B at 200 everywhere (one discordant pair). A first at
    // both (13 settings) or last at both (4): τ 1/3; A first then second (27) or second then
    // last (4): −1/3 → (17 − 31) / (3 · 48) = −7/72
    expect(p.meanWithinSettingTau).toBeCloseTo(-7 / 72, 12);
    // scipy.stats.kendalltau and spearmanr on the same 144 pairs
    expect(p.kendallTau).toBeCloseTo(0.31164918535735153, 12);
    expect(p.spearmanRho).toBeCloseTo(0.22540206014897177, 12);

    // short 68 (C) ..85, long 80 (B) ..98 in 40 bins: A@7 (85, 95) alone in short bin 39,
    // long bin ⌊15/18 · 40⌋ = 33
    expect(p.density.shortRange).toEqual([68, 85]);
    expect(p.density.longRange).toEqual([80, 98]);
    expect(p.density.counts.reduce((x, y) => x + y, 0)).toBe(144);
    expect(p.density.counts[39 * 40 + 33]).toBe(1);

    const m = analysis.proxyMeasured!;
    expect(m.configurations).toBe(96);
    expect(m.kendallTau).toBeCloseTo(1, 12); // long = short + 10 for A and B
    expect(m.regret).toBe(0);
  });

  it('states verdicts, judging the long table with its predicted values flagged', () => {
    const ids = analysis.claims.map((c) => `${c.id}:${c.holds}`);
    expect(ids).toContain('rankings-disagree:true');
    expect(
      analysis.claims.filter((c) => c.id === 'joint-beats-sequential').map((c) => c.holds),
    ).toEqual([
      true, // 12 epochs: two of three starts miss, mean gap 10/3
      false, // long: two of three starts reach 98
      true, // chosen on 12 epochs, scored at 200: gaps 0, 5, 5 as at 12 epochs
    ]);
    expect(analysis.claims.filter((c) => c.paperFinding).map((c) => c.id)).toEqual([
      'rankings-disagree',
      'joint-beats-sequential',
      'rankings-disagree',
      'joint-beats-sequential',
      'joint-beats-sequential',
    ]);
    expect(analysis.benchmark.synthetic).toBe(false);
    const longClaims = analysis.claims.filter((c) => c.table.includes('200-epoch'));
    expect(longClaims.every((c) => c.table.includes('includes predicted values'))).toBe(true);
  });
});

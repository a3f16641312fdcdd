import { describe, expect, it } from 'vitest';
import type { Observation } from './optimizer.js';
import { Bracket, bracketPlan, hyperbandSchedule } from './successive-halving.js';

describe('hyperbandSchedule', () => {
  it("gives BOHB's budgets 12·3⁻², 12·3⁻¹, 12 truncated to 1, 4, 12 epochs", () => {
    const schedule = hyperbandSchedule(1, 12, 3);
    expect(schedule.rungs).toBe(3);
    expect(schedule.budgets[0]).toBeCloseTo(12 / 9, 12);
    expect(schedule.budgets[1]).toBeCloseTo(4, 12);
    expect(schedule.budgets[2]).toBe(12);
    expect(schedule.epochs).toEqual([1, 4, 12]);
  });

  it("plans HpBandSter's brackets: [9,3,1], [3,1], [3]", () => {
    const schedule = hyperbandSchedule(1, 12, 3);
    expect(bracketPlan(schedule, 2)).toEqual({ s: 2, counts: [9, 3, 1], epochs: [1, 4, 12] });
    expect(bracketPlan(schedule, 1)).toEqual({ s: 1, counts: [3, 1], epochs: [4, 12] });
    expect(bracketPlan(schedule, 0)).toEqual({ s: 0, counts: [3], epochs: [12] });
  });

  it('rejects η < 2', () => {
    expect(() => hyperbandSchedule(1, 12, 1)).toThrow(/eta/);
  });
});

describe('Bracket', () => {
  it('keeps the top 1/η of each stage by validation accuracy', () => {
    const plan = bracketPlan(hyperbandSchedule(1, 12, 3), 2);
    let next = 100;
    const slots = new Map<number, number>();
    const bracket = new Bracket(
      plan,
      () => next++,
      true,
      (() => {
        let tag = 0;
        return () => tag++;
      })(),
      (tag, _bracket, slot) => slots.set(tag, slot),
    );
    const stage0 = Array.from({ length: 9 }, () => bracket.nextProposal()!);
    expect(bracket.nextProposal()).toBeNull();
    expect(stage0.map((p) => p.index)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108]);
    expect(stage0.every((p) => p.epochs === 1 && !p.continueTraining)).toBe(true);

    // accuracies: config 100+k gets [50, 80, 20, 90, 10, 70, 60, 30, 40][k]: top 3 are 103, 101, 105
    const scores = [50, 80, 20, 90, 10, 70, 60, 30, 40];
    const result = (index: number, epochs: number, accuracy: number, tag: number): Observation => ({
      index,
      epochs,
      validAccuracyPct: accuracy,
      costSeconds: 1,
      finishedAtSeconds: 0,
      tag,
    });
    stage0.forEach((p, k) => {
      bracket.record(slots.get(p.tag!)!, result(p.index, 1, scores[k], p.tag!));
    });
    expect(bracket.currentMembers()).toEqual([103, 101, 105]);

    const stage1 = [bracket.nextProposal()!, bracket.nextProposal()!, bracket.nextProposal()!];
    expect(stage1.map((p) => [p.index, p.epochs, p.continueTraining])).toEqual([
      [103, 4, true],
      [101, 4, true],
      [105, 4, true],
    ]);
    const stage1Scores = [60, 95, 70];
    stage1.forEach((p, k) => {
      bracket.record(slots.get(p.tag!)!, result(p.index, 4, stage1Scores[k], p.tag!));
    });
    expect(bracket.currentMembers()).toEqual([101]);
    const last = bracket.nextProposal()!;
    expect([last.index, last.epochs]).toEqual([101, 12]);
    bracket.record(slots.get(last.tag!)!, result(101, 12, 96, last.tag!));
    expect(bracket.finished).toBe(true);
    expect(bracket.nextProposal()).toBeNull();
  });
});

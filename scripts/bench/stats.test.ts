import { describe, expect, it } from 'vitest';
import { goalRatio, renderTable, summarise, type Row } from './stats.ts';

describe('bench statistics', () => {
  it('takes the median and the spread of the samples, ignoring failed ones', () => {
    expect(summarise([30, 10, 20, NaN])).toEqual({ median: 20, min: 10, max: 30, count: 3 });
    expect(summarise([4, 1, 3, 2]).median).toBe(2.5);
    expect(summarise([]).count).toBe(0);
  });

  it('gives a ratio of at most 1 exactly when the goal is met, in both directions', () => {
    const fast: Row = {
      label: 'a',
      unit: 'ms',
      value: summarise([90]),
      goal: { target: 120, better: 'lower' },
    };
    const slow: Row = { ...fast, value: summarise([240]) };
    const score: Row = {
      label: 'b',
      unit: 'score',
      value: summarise([96]),
      goal: { target: 100, better: 'higher' },
    };
    expect(goalRatio(fast)).toBeCloseTo(0.75);
    expect(goalRatio(slow)).toBe(2);
    expect(goalRatio(score)).toBeGreaterThan(1);
    expect(goalRatio({ ...score, value: summarise([100]) })).toBe(1);
  });

  it('prints each measure with its goal and a verdict', () => {
    const table = renderTable([
      {
        label: 'cold click',
        unit: 'ms',
        value: summarise([100, 110, 130]),
        goal: { target: 120, better: 'lower' },
      },
      {
        label: 'warm click',
        unit: 'ms',
        value: summarise([40]),
        goal: { target: 20, better: 'lower' },
      },
    ]);
    expect(table).toMatch(
      /cold click\s+110\.0 ms\s+100\.0 ms – 130\.0 ms \(n=3\)\s+≤ 120\.0 ms\s+0\.92 ✓/,
    );
    expect(table).toMatch(/warm click\s+40\.0 ms\s+≤ 20\.0 ms\s+2\.00 ✗/);
  });
});

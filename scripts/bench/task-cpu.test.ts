import { describe, expect, it } from 'vitest';
import { longestTasks, type TraceEvent } from './task-cpu';

const task = (pid: number, dur: number, tdur: number): TraceEvent => ({
  name: 'RunTask',
  ph: 'X',
  pid,
  tid: pid,
  ts: 0,
  dur,
  tdur,
});
const frame = (pid: number): TraceEvent => ({
  name: 'FireAnimationFrame',
  ph: 'X',
  pid,
  tid: pid,
  ts: 0,
});

describe('longestTasks', () => {
  it('reads the thread that drew frames, wall and CPU time apart, in ms', () => {
    const events = [
      frame(1),
      frame(1),
      frame(2),
      task(1, 120_000, 20_000),
      task(1, 40_000, 35_000),
      // The runner's frame, another process: its tasks are not the page's.
      task(3, 500_000, 400_000),
    ];
    expect(longestTasks(events)).toEqual({ cpuMs: 35, wallMs: 120 });
  });

  it('says 0 when the page drew nothing', () => {
    expect(longestTasks([task(3, 10_000, 9_000)])).toEqual({ cpuMs: 0, wallMs: 0 });
  });
});

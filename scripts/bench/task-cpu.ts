/**
 * The page's longest task in CPU time, beside its wall time, from a Chromium trace. On a 2-core
 * machine a task's wall time is mostly waiting for a core while the runner's worker and other
 * processes run; its thread time says how much work the page itself did in it.
 */
import type { Page } from 'playwright-core';

/** The trace events this reads (Chromium's JSON trace format). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  /** Wall time, µs. */
  dur?: number;
  /** Thread (CPU) time, µs. */
  tdur?: number;
}

export interface LongestTasks {
  /** The largest thread time of one task on the page's main thread, ms. */
  cpuMs: number;
  /** The largest wall time of one task on that thread, ms. */
  wallMs: number;
}

/**
 * Reads the page's main thread from a trace: the thread that ran animation frames (the runner's
 * frame draws nothing). Tasks are Chromium's top-level `RunTask` events.
 */
export function longestTasks(events: TraceEvent[]): LongestTasks {
  const frames = new Map<string, number>();
  for (const event of events) {
    if (event.name !== 'FireAnimationFrame') continue;
    const thread = `${event.pid}:${event.tid}`;
    frames.set(thread, (frames.get(thread) ?? 0) + 1);
  }
  const main = [...frames].sort((a, b) => b[1] - a[1])[0]?.[0];
  let cpu = 0;
  let wall = 0;
  for (const event of events) {
    if (event.name !== 'RunTask' || event.ph !== 'X' || `${event.pid}:${event.tid}` !== main) {
      continue;
    }
    cpu = Math.max(cpu, event.tdur ?? 0);
    wall = Math.max(wall, event.dur ?? 0);
  }
  return { cpuMs: cpu / 1000, wallMs: wall / 1000 };
}

/** Starts a Chromium trace of `page`; the returned function ends it and reads the longest tasks. */
export async function traceTasks(page: Page): Promise<() => Promise<LongestTasks>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReturnAsStream',
  });
  return async () => {
    const complete = new Promise<string>((resolve) =>
      session.once('Tracing.tracingComplete', (event) => resolve(event.stream ?? '')),
    );
    await session.send('Tracing.end');
    const handle = await complete;
    let text = '';
    for (;;) {
      const chunk = await session.send('IO.read', { handle });
      text += chunk.data;
      if (chunk.eof) break;
    }
    await session.send('IO.close', { handle });
    await session.detach();
    const trace = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
    return longestTasks(Array.isArray(trace) ? trace : (trace.traceEvents ?? []));
  };
}

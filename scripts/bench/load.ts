/**
 * How cost grows with work: the longest page task and the page's memory as the trace grows, run time
 * as simultaneous clients grow, and in-page vs Node requests per second for the same code.
 */
import type { Browser } from 'playwright-core';
import { runClientInNode } from './node-throughput.ts';
import {
  consoleText,
  countArrivals,
  heapMb,
  openChapter,
  replaceFile,
  waitForEnd,
  watchLongTasks,
} from './page-runs.ts';
import { summarise, type Row } from './stats.ts';
import { traceTasks, type LongestTasks } from './task-cpu.ts';
import { sequentialPosts, simultaneousClients } from './workloads.ts';

interface LoadRun {
  ms: number;
  longest: number;
  heap: number;
  events: number;
  console: string;
  /** From a Chromium trace of the run, when one was asked for. */
  tasks?: LongestTasks;
}

/** Pastes `client` into the chapter, runs it, and reports what the page went through. */
async function runInPage(
  browser: Browser,
  chapter: string,
  client: string,
  traced = false,
): Promise<LoadRun> {
  const page = await openChapter(browser, chapter);
  await replaceFile(page, 'client.ts', client);
  const longest = await watchLongTasks(page);
  const endTrace = traced ? await traceTasks(page) : undefined;
  const arrivals = await countArrivals(page);
  const start = performance.now();
  await page.locator('bcp-sandbox [data-action="run"]').first().click();
  await waitForEnd(page, 180_000);
  const ms = performance.now() - start;
  await page.waitForTimeout(500);
  const result = {
    ms,
    longest: await longest(),
    heap: await heapMb(page),
    events: (await arrivals()).events,
    console: await consoleText(page),
    ...(endTrace ? { tasks: await endTrace() } : {}),
  };
  await page.close();
  return result;
}

const rps = (text: string) => Number(/rps=(\d+)/.exec(text)?.[1] ?? NaN);

/** Runs the same client `times` times, each in a fresh page: a longest task is one sample of noise. */
async function repeat(
  browser: Browser,
  chapter: string,
  client: string,
  times: number,
): Promise<LoadRun[]> {
  const runs: LoadRun[] = [];
  for (let index = 0; index < times; index += 1)
    runs.push(await runInPage(browser, chapter, client));
  return runs;
}

export async function measureLoad(
  browser: Browser,
  chapter: string,
  root: string,
  skip: Set<string>,
  /** Samples per row of the trace measures (each a run in a fresh page). */
  times = 3,
): Promise<Row[]> {
  const rows: Row[] = [];
  const underFifty = { target: 50, better: 'lower' as const };

  const floods = await repeat(browser, chapter, sequentialPosts(2000), times);
  rows.push({
    label: '2,000 traced POSTs: longest page task',
    unit: 'ms',
    value: summarise(floods.map((run) => run.longest)),
    goal: underFifty,
  });
  rows.push({
    label: '2,000 traced POSTs: run time',
    unit: 'ms',
    value: summarise(floods.map((run) => run.ms)),
  });
  rows.push(
    taskCpuRow(
      '2,000 traced POSTs',
      await runInPage(browser, chapter, sequentialPosts(2000), true),
    ),
  );
  const perPost = (floods[0]?.events ?? 0) / 2000 || 4;

  if (!skip.has('scale')) {
    for (const events of [1_000, 10_000, 100_000]) {
      const client = sequentialPosts(Math.ceil(events / perPost));
      const runs = await repeat(browser, chapter, client, times);
      const name = `${events.toLocaleString('en')}-event trace`;
      rows.push({
        label: `${name}: longest page task`,
        unit: 'ms',
        value: summarise(runs.map((run) => run.longest)),
        ...(events === 10_000 ? { goal: underFifty } : {}),
        note: `${(runs[0]?.events ?? 0).toLocaleString('en')} events reached the page`,
      });
      if (events === 10_000) {
        rows.push(taskCpuRow(name, await runInPage(browser, chapter, client, true)));
      }
      rows.push({
        label: `${name}: page heap after GC`,
        unit: 'MB',
        value: summarise(runs.map((run) => run.heap)),
      });
    }
  }

  if (!skip.has('clients')) {
    for (const clients of [1, 10, 100]) {
      const run = await runInPage(browser, chapter, simultaneousClients(clients, 10));
      rows.push({
        label: `${clients} simultaneous clients × 10 POSTs: run time`,
        unit: 'ms',
        value: summarise([run.ms]),
      });
    }
  }

  if (!skip.has('throughput')) {
    const page = await runInPage(browser, chapter, sequentialPosts(500));
    const node = await runClientInNode(root, 'request-response', sequentialPosts(500));
    rows.push({
      label: 'requests per second in the page',
      unit: 'req/s',
      value: summarise([rps(page.console)]),
    });
    rows.push({
      label: 'requests per second in Node, real loopback sockets',
      unit: 'req/s',
      value: summarise([rps(node)]),
    });
    rows.push({
      label: 'in-page virtual network vs Node sockets',
      unit: 'x',
      value: summarise([rps(page.console) / rps(node)]),
      goal: { target: 0.5, better: 'higher' },
    });
  }
  return rows;
}

/**
 * The page's own work in its longest task, from one more run under a Chromium trace (tracing slows
 * the page, so it is not one of the timed runs): what the page costs without the wait for a core.
 */
function taskCpuRow(name: string, run: LoadRun): Row {
  return {
    label: `${name}: longest page task, CPU time`,
    unit: 'ms',
    value: summarise([run.tasks?.cpuMs ?? NaN]),
    note: `one traced run; its longest task took ${Math.round(run.tasks?.wallMs ?? NaN)} ms of wall time`,
  };
}

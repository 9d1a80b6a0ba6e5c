/** How soon a Run shows traffic (cold, after a pointer rest, warm), and how fast a runaway loop stops. */
import type { Browser } from 'playwright-core';
import {
  clickToFirstTrace,
  openChapter,
  pointAtSandbox,
  replaceFile,
  waitForEnd,
} from './page-runs.ts';
import { summarise, type Row } from './stats.ts';
import { endlessLoop } from './workloads.ts';

/** How long a reader reads before a cold click: past the sandbox element's 3 s wait after load. */
const SETTLE_MS = 4000;

export async function measureLatency(
  browser: Browser,
  chapter: string,
  runs: number,
): Promise<Row[]> {
  const cold: number[] = [];
  const settled: number[] = [];
  const rest: number[] = [];
  const warm: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const page = await openChapter(browser, chapter);
    cold.push(await clickToFirstTrace(page));
    await waitForEnd(page);
    await page.waitForTimeout(400);
    warm.push(await clickToFirstTrace(page));
    await waitForEnd(page);
    await page.close();

    // A reader who reads a little first: the page made the runner's empty frame at idle (0081).
    const reading = await openChapter(browser, chapter);
    await reading.waitForTimeout(SETTLE_MS);
    settled.push(await clickToFirstTrace(reading));
    await waitForEnd(reading);
    await reading.close();

    // A reader moving to Run: the pointer rests on the sandbox for 300 ms before the click.
    const resting = await openChapter(browser, chapter);
    await pointAtSandbox(resting);
    await resting.waitForTimeout(300);
    rest.push(await clickToFirstTrace(resting));
    await waitForEnd(resting);
    await resting.close();
  }
  const lower = (target: number) => ({ target, better: 'lower' as const });
  return [
    {
      label: 'click → first network event, cold page',
      unit: 'ms',
      value: summarise(cold),
      goal: lower(120),
    },
    {
      label: `the same, ${SETTLE_MS / 1000} s after the page settled`,
      unit: 'ms',
      value: summarise(settled),
    },
    {
      label: 'the same after a 300 ms pointer rest',
      unit: 'ms',
      value: summarise(rest),
      goal: lower(40),
    },
    {
      label: 'click → first network event, warm',
      unit: 'ms',
      value: summarise(warm),
      goal: lower(20),
    },
  ];
}

export async function measureLoop(browser: Browser, chapter: string): Promise<Row[]> {
  const page = await openChapter(browser, chapter);
  await replaceFile(page, 'client.ts', endlessLoop);
  const stopped = page.evaluate(
    () =>
      new Promise<number>((done) => {
        const sandbox = document.querySelector('bcp-sandbox');
        const start = performance.now();
        sandbox?.addEventListener('sandbox:end', () => done(performance.now() - start), {
          once: true,
        });
        sandbox?.querySelector<HTMLButtonElement>('[data-action="run"]')?.click();
      }),
  );
  const roundTrips: number[] = [];
  for (let index = 0; index < 10; index += 1) {
    const start = performance.now();
    await page.evaluate(() => new Promise((done) => setTimeout(done, 0)));
    roundTrips.push(performance.now() - start);
    await page.waitForTimeout(100);
  }
  const stopMs = await stopped;
  await page.close();
  return [
    {
      label: 'while (true) {} stopped after the click',
      unit: 'ms',
      value: summarise([stopMs]),
      goal: { target: 2000, better: 'lower' },
    },
    { label: 'page round trip during the loop', unit: 'ms', value: summarise(roundTrips) },
  ];
}

/**
 * Lighthouse (mobile, its defaults) for every page of the built site, on the system Chromium.
 * Lighthouse drives its own Chromium through chrome-launcher, so it never shares a browser with the
 * other measures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, chromiumPath } from '../../test/e2e/chromium.ts';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The metric audits that make up the performance score, with the value each run measured. */
export const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
] as const;
export type Metric = (typeof METRICS)[number];

export interface LighthouseRun {
  scores: Record<Category, number>;
  /** Numeric values of {@link METRICS} (ms, CLS unitless). */
  metrics: Record<Metric, number>;
}

export interface LighthouseOptions {
  /** Runs per page, one after another (Lighthouse's simulated throttling varies with load). */
  runs?: number;
  /** When set, every report is written there as `<page>-<run>.json`, for its audits' details. */
  saveTo?: string;
}

/** Scores 0–100 per category and the metric values, for each page URL and each run. */
export async function lighthouseRuns(
  urls: string[],
  onRun: (url: string, run: LighthouseRun) => void,
  { runs = 1, saveTo }: LighthouseOptions = {},
): Promise<LighthouseRun[][]> {
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumPath(),
    chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
  });
  if (saveTo) mkdirSync(saveTo, { recursive: true });
  const results: LighthouseRun[][] = urls.map(() => []);
  try {
    for (let round = 0; round < runs; round++) {
      for (const [index, url] of urls.entries()) {
        const result = await lighthouse(url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: [...CATEGORIES],
        });
        const lhr = result?.lhr;
        const scores = Object.fromEntries(
          CATEGORIES.map((category) => [
            category,
            Math.round((lhr?.categories[category]?.score ?? NaN) * 100),
          ]),
        ) as Record<Category, number>;
        const metrics = Object.fromEntries(
          METRICS.map((metric) => [metric, lhr?.audits[metric]?.numericValue ?? NaN]),
        ) as Record<Metric, number>;
        if (saveTo && typeof result?.report === 'string') {
          const name = new URL(url).pathname.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'index';
          writeFileSync(join(saveTo, `${name}-${round + 1}.json`), result.report);
        }
        const run = { scores, metrics };
        onRun(url, run);
        results[index]?.push(run);
      }
    }
  } finally {
    chrome.kill();
  }
  return results;
}

/**
 * Lighthouse (mobile, its defaults) for every page of the built site, on the system Chromium.
 * Lighthouse drives its own Chromium through chrome-launcher, so it never shares a browser with the
 * other measures.
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, chromiumPath } from '../../test/e2e/chromium.ts';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Scores 0–100 per category for each page URL. */
export async function lighthouseScores(
  urls: string[],
  onPage: (url: string, scores: Record<Category, number>) => void,
): Promise<Array<Record<Category, number>>> {
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumPath(),
    chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
  });
  const results: Array<Record<Category, number>> = [];
  try {
    for (const url of urls) {
      const run = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
      });
      const scores = Object.fromEntries(
        CATEGORIES.map((category) => [
          category,
          Math.round((run?.lhr.categories[category]?.score ?? NaN) * 100),
        ]),
      ) as Record<Category, number>;
      onPage(url, scores);
      results.push(scores);
    }
  } finally {
    chrome.kill();
  }
  return results;
}

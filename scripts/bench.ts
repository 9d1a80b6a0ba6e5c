/**
 * `npm run bench`: measures what readers feel, on this machine, and prints a table of medians with
 * their spread and the ratio to each goal (issue: performance). Builds the site if needed, serves it
 * like a static host and drives headless Chromium. Nothing here is asserted in tests: timings vary
 * with the machine; tests keep to behaviour and byte budgets.
 *
 *   npm run bench                          every measure, table on stdout
 *   npm run bench -- --json bench.json     also write the numbers as JSON (and compare with that file's last run)
 *   npm run bench -- --runs 3              samples per latency row (trace rows take at most 3)
 *   npm run bench -- --skip lighthouse     leave out a section (latency, bytes, loop, load, scale, clients, throughput, sucrase, lighthouse)
 *   npm run bench -- --pages 'patterns/*'  Lighthouse only on pages whose path (e.g. `comparison/`) matches a glob (repeatable)
 *   npm run bench -- --lh-runs 5           Lighthouse runs per page: adds a row per page (performance median, spread, metric medians)
 *   npm run bench -- --lh-save dir         write every Lighthouse report there as JSON, to read its audits
 */
import { execSync } from 'node:child_process';
import { existsSync, globSync, readFileSync, writeFileSync } from 'node:fs';
import { join, matchesGlob, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/e2e/chromium.ts';
import { startStaticServer } from '../test/e2e/static-server.ts';
import { measureBytes } from './bench/bytes.ts';
import { lighthouseRuns, CATEGORIES, METRICS, type Metric } from './bench/lighthouse.ts';
import { measureLoad } from './bench/load.ts';
import { measureLatency, measureLoop } from './bench/latency.ts';
import { measureSucrase } from './bench/sucrase.ts';
import { renderTable, summarise, type Row } from './bench/stats.ts';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    skip: { type: 'string', multiple: true, default: [] },
    runs: { type: 'string', default: '5' },
    pages: { type: 'string', multiple: true, default: [] },
    'lh-runs': { type: 'string', default: '1' },
    'lh-save': { type: 'string' },
  },
});
const skip = new Set(args.skip.flatMap((value) => value.split(',')));
const runs = Number(args.runs);

if (!existsSync(join(dist, 'index.html'))) {
  console.log('building the site (npm run build)…');
  execSync('npm run build', { cwd: root, stdio: 'ignore' });
}
const base = /"(\/[^"]*?)_astro\//.exec(readFileSync(join(dist, 'index.html'), 'utf8'))?.[1] ?? '/';
const server = await startStaticServer(dist, base, { gzip: true });
const browser = await launchChromium();
const rows: Row[] = [];
const progress = (text: string) => process.stderr.write(`· ${text}\n`);

/** Runs one section; a failure becomes a row that says so, and the other sections still run. */
async function section(name: string, body: () => Promise<Row[]>): Promise<void> {
  if (skip.has(name)) return;
  progress(name);
  try {
    rows.push(...(await body()));
  } catch (error) {
    rows.push({
      label: `${name}: failed`,
      unit: 'ms',
      value: summarise([]),
      note: String(error).slice(0, 120),
    });
  }
}

const chapter = `${server.url}patterns/request-response/`;
try {
  await section('latency', () => measureLatency(browser, chapter, runs));
  await section('bytes', () => measureBytes(browser, server.url, chapter));
  await section('loop', () => measureLoop(browser, chapter));
  await section('load', () => measureLoad(browser, chapter, root, skip, Math.min(runs, 3)));
  await section('sucrase', async () => measureSucrase(root));
  await section('lighthouse', async () => {
    const globs = args.pages.flatMap((value) => value.split(','));
    const pages = globSync('**/index.html', { cwd: dist })
      .map((file) => file.replace(/index\.html$/, ''))
      .filter(
        (path) =>
          globs.length === 0 ||
          globs.some(
            (glob) => matchesGlob(path, glob) || matchesGlob(path.replace(/\/$/, ''), glob),
          ),
      )
      .map((path) => `${server.url}${path}`)
      .sort();
    const name = (url: string) => url.slice(server.url.length) || '/';
    const lhRuns = Math.max(1, Number(args['lh-runs']) || 1);
    const runs = await lighthouseRuns(
      pages,
      (url, run) =>
        progress(`lighthouse ${name(url)}: ${CATEGORIES.map((c) => run.scores[c]).join(' / ')}`),
      { runs: lhRuns, ...(args['lh-save'] ? { saveTo: resolve(args['lh-save']) } : {}) },
    );
    // Each page counts with its median over the runs.
    const scores = runs.map((page) =>
      Object.fromEntries(
        CATEGORIES.map((c) => [c, summarise(page.map((run) => run.scores[c])).median]),
      ),
    );
    const across: Row[] = CATEGORIES.map((category) => {
      const values = scores.map((score) => score[category] ?? NaN);
      const worst = pages[values.indexOf(Math.min(...values))] ?? '';
      return {
        label: `Lighthouse mobile ${category}, ${pages.length} pages`,
        unit: 'score' as const,
        value: summarise(values),
        goal: { target: 100, better: 'higher' as const },
        note: Math.min(...values) < 100 ? `lowest: ${name(worst)}` : '',
      };
    });
    if (lhRuns === 1) return across;
    const short: Record<Metric, string> = {
      'first-contentful-paint': 'FCP',
      'largest-contentful-paint': 'LCP',
      'total-blocking-time': 'TBT',
      'cumulative-layout-shift': 'CLS',
      'speed-index': 'SI',
    };
    const perPage: Row[] = pages.map((url, index) => {
      const page = runs[index] ?? [];
      const metric = (m: Metric) => summarise(page.map((run) => run.metrics[m])).median;
      return {
        label: `Lighthouse mobile performance ${name(url)}`,
        unit: 'score' as const,
        value: summarise(page.map((run) => run.scores.performance)),
        goal: { target: 100, better: 'higher' as const },
        note: METRICS.map((m) =>
          m === 'cumulative-layout-shift'
            ? `${short[m]} ${metric(m).toFixed(3)}`
            : `${short[m]} ${Math.round(metric(m))}`,
        ).join(', '),
      };
    });
    return [...across, ...perPage];
  });
} finally {
  await browser.close();
  await server.close();
}

console.log('\nBackend Communication Patterns — bench\n');
console.log(renderTable(rows));
if (args.json) {
  const file = resolve(args.json);
  if (existsSync(file)) {
    const last = JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] };
    console.log(`\nChange since the last run in ${args.json} (median, now vs then):`);
    for (const row of rows) {
      const before = last.rows.find((old) => old.label === row.label);
      if (!before || !Number.isFinite(before.value.median)) continue;
      const ratio = row.value.median / before.value.median;
      console.log(
        `  ${row.label}: ${before.value.median.toFixed(1)} → ${row.value.median.toFixed(1)} (${ratio.toFixed(2)}×)`,
      );
    }
  }
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`\nwrote ${args.json}`);
}

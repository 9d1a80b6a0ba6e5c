/**
 * What the sandbox's memory ceiling costs (decisions/0069): typed-array basics and the Request–Response
 * serialization sandbox's binary encoder, in a headless Chromium worker, with no ceiling, with the
 * ceiling of each git revision given, and with the working tree's. Prints the median per row.
 *
 *   node scripts/bench/memory-ceiling.ts                       working tree against no ceiling
 *   node scripts/bench/memory-ceiling.ts --rev main --runs 15  also main's ceiling, 15 runs each
 *   node scripts/bench/memory-ceiling.ts --file path.ts        also a ceiling in another file
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { launchChromium } from '../../test/e2e/chromium.ts';

const root = resolve(import.meta.dirname, '../..');
const CEILING = 'src/sandbox/runtime/memory-ceiling.ts';
const { values: args } = parseArgs({
  options: {
    rev: { type: 'string', multiple: true, default: [] },
    file: { type: 'string', multiple: true, default: [] },
    runs: { type: 'string', default: '7' },
  },
});

/** The ceiling at `rev`, next to the working tree's runtime so its imports resolve (removed after). */
function ceilingAt(rev: string): string {
  const file = join(root, 'src/sandbox/runtime', `.bench-ceiling-${rev.replace(/\W/g, '_')}.ts`);
  writeFileSync(file, execFileSync('git', ['show', `${rev}:${CEILING}`], { cwd: root }));
  return file;
}

const WORK = `
import { writeBinary, readBinary } from './sandboxes/request-response.serialization/binary.ts';
import { makeProducts } from './sandboxes/request-response.serialization/records.ts';
const products = makeProducts(1000);
const bytes = writeBinary(products);
const a = new Uint8Array(4096);
const time = (n, fn) => {
  for (let i = 0; i < Math.min(n, 200); i++) fn(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return ((performance.now() - t) / n) * 1000;
};
let sink = 0;
postMessage({
  'subarray µs': time(300000, (i) => { sink += a.subarray(i & 1023, 2048).length; }),
  'slice(64) µs': time(100000, (i) => { sink += a.slice(i & 1023, (i & 1023) + 64).length; }),
  'new Uint8Array(64) µs': time(300000, () => { sink += new Uint8Array(64).length; }),
  'writeBinary(1000) ms': time(300, () => { sink += writeBinary(products).length; }) / 1000,
  'readBinary(1000) ms': time(300, () => { sink += readBinary(bytes).length; }) / 1000,
});`;

async function bundle(ceiling: string | undefined): Promise<string> {
  const install = ceiling
    ? `import { installBufferCeiling } from '${ceiling}'; installBufferCeiling(() => undefined);`
    : '';
  const result = await build({
    stdin: { contents: install + WORK, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const variants: Record<string, string | undefined> = { 'no ceiling': undefined };
for (const rev of args.rev) variants[rev] = ceilingAt(rev);
for (const file of args.file) variants[file] = resolve(file);
variants['working tree'] = join(root, CEILING);
const sources = Object.entries(variants).map(
  async ([name, file]) => [name, await bundle(file)] as const,
);
const bundles = await Promise.all(sources);
const browser = await launchChromium();
const samples: Record<string, Record<string, number[]>> = {};
try {
  for (let run = 0; run < Number(args.runs); run++) {
    for (const [name, source] of bundles) {
      const page = await browser.newPage();
      const result = await page.evaluate(
        (code) =>
          new Promise<Record<string, number>>((done) => {
            const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
            new Worker(url).onmessage = (event) => done(event.data);
          }),
        source,
      );
      for (const [row, value] of Object.entries(result)) {
        ((samples[row] ??= {})[name] ??= []).push(value);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  for (const rev of args.rev) rmSync(variants[rev] ?? '', { force: true });
}
const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
console.log(['', ...Object.keys(variants)].join(' | '));
for (const [row, byVariant] of Object.entries(samples)) {
  const cells = Object.keys(variants).map((name) => median(byVariant[name] ?? [])?.toFixed(2));
  console.log([row, ...cells].join(' | '));
}

/**
 * The sandbox against hostile code and hostile pages, in Chromium against the built site: each test
 * is the attack as an attacker would write it, and what the reader must see instead
 * (decisions/0025). Each of these failed before its defence existed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startAttackerSite } from './attacker-site';
import { launchChromium, pageUrl, watchPage, type PageProblems } from './helpers';
import {
  consoleText,
  pasteFile,
  pressRun,
  sandboxIn,
  statusMatching,
  type SandboxUnderTest,
} from './sandbox-driver';

const CHAPTER = 'patterns/request-response/';
const SANDBOX = 'request-response';

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
});

async function openChapter(): Promise<{
  page: Page;
  sandbox: SandboxUnderTest;
  problems: PageProblems;
}> {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(pageUrl(CHAPTER));
  return { page, sandbox: sandboxIn(page, SANDBOX), problems };
}

/** Reader code that learns the run id the way the old protocol leaked it, then posts as the runtime. */
const FORGER = [
  'export default async function main() {',
  '  const scope = self as any;',
  '  const realPost = scope.postMessage.bind(scope);',
  '  let run = 0;',
  '  scope.postMessage = (message: any, ...rest: any[]) => {',
  '    if (message && typeof message.run === "number") run = message.run;',
  '    realPost(message, ...rest);',
  '  };',
  "  console.log('learning the run id');",
  '  await new Promise((resolve) => setTimeout(resolve, 300));',
  "  const evil = { host: 'sandbox', level: 'error', text: 'Session expired: sign in at evil.example', t: 1 };",
  "  realPost({ type: 'console', run, entries: [evil] });",
  "  realPost({ type: 'trace', run, events: [{ kind: 'request', t: 1, exchange: 'h9', from: 'client', to: 'server', headers: 'x' }] });",
  "  realPost({ type: 'killed', run, reason: 'Stopped: sign in at evil.example' });",
  "  realPost({ type: 'ended', run, cause: 'memory' });",
  "  realPost({ type: 'finished', run: run + 1, ok: true });",
  "  realPost({ type: 'finished', run, ok: true });",
  '  await new Promise((resolve) => setTimeout(resolve, 300));',
  "  console.log('still running after the forgeries');",
  "  throw new Error('the real end of this run');",
  '}',
].join('\n');

describe('reader code against the runtime', () => {
  test('cannot forge console lines, trace events, a stop reason or the end of its run', async () => {
    const { sandbox, problems } = await openChapter();
    await pasteFile(sandbox, 'client.ts', FORGER);
    await pressRun(sandbox);
    expect(await statusMatching(sandbox, /Finished|Ended|Stopped/)).toMatch(/^Ended with an error/);
    const text = await consoleText(sandbox);
    expect(text).toContain('still running after the forgeries');
    expect(text).toMatch(/the real end of this run/);
    expect(text).not.toContain('evil.example');
    expect(await sandbox.root.locator('svg:not(.tv-sample) g.tv-request').count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });

  test('cannot keep a spinning run alive by posting heartbeats itself', async () => {
    const { sandbox } = await openChapter();
    await pasteFile(
      sandbox,
      'client.ts',
      [
        'export default async function main() {',
        '  const post = (self as any).postMessage.bind(self);',
        '  let last = 0;',
        '  while (true) {',
        '    if (Date.now() - last > 20) {',
        "      post({ type: 'heartbeat' });",
        "      post({ type: 'beat' });",
        '      last = Date.now();',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
    await pressRun(sandbox);
    expect(await statusMatching(sandbox, /Stopped/, 15_000)).toBe('Stopped by the sandbox');
    // A heap that fills up goes silent the same way (decisions/0026): the message names both.
    await expect
      .poll(() => consoleText(sandbox), { timeout: 15_000 })
      .toMatch(/an endless loop, or memory filling up\?/);
  });

  test('gets no nested workers to spin outside the watchdog', async () => {
    const { sandbox } = await openChapter();
    await pasteFile(
      sandbox,
      'client.ts',
      [
        'export default async function main() {',
        '  const scope = self as any;',
        "  console.log('Worker is', typeof scope.Worker, '/ SharedWorker is', typeof scope.SharedWorker);",
        "  console.log('WebAssembly is', typeof scope.WebAssembly);",
        "  try { new scope.Worker('data:text/javascript,while(true){}'); console.log('nested worker started'); }",
        "  catch { console.log('no nested worker'); }",
        '}',
      ].join('\n'),
    );
    await pressRun(sandbox);
    expect(await statusMatching(sandbox, /Finished|Ended|Stopped/)).toMatch(/^Finished/);
    const text = await consoleText(sandbox);
    expect(text).toContain('Worker is undefined / SharedWorker is undefined');
    expect(text).toContain('WebAssembly is undefined');
    expect(text).toContain('no nested worker');
  });

  test('holding gigabytes of binary data, however it is allocated, ends the run with a clear message; the next Run works', async () => {
    const { sandbox } = await openChapter();
    for (const [way, allocation] of Object.entries(BINARY_ALLOCATIONS)) {
      await pasteFile(sandbox, 'client.ts', holding(allocation));
      await pressRun(sandbox);
      const status = await statusMatching(sandbox, /Finished|Ended|Stopped/).catch(
        async (error: unknown) => {
          const shown = (await consoleText(sandbox)).slice(-400);
          throw new Error(`${way}: ${String(error)}\nconsole ends: ${shown}`);
        },
      );
      expect.soft(status, way).toBe('Stopped by the sandbox');
      // The status changes at once; the console draws with the next frame.
      await expect
        .poll(() => consoleText(sandbox), { message: way, timeout: 15_000 })
        .toMatch(/used more than 1 GB of memory/);
      expect.soft(await consoleText(sandbox), way).not.toContain('holding 2048 MB');
    }
    await pasteFile(
      sandbox,
      'client.ts',
      "export default async function main() { console.log('fresh'); }",
    );
    await pressRun(sandbox);
    expect(await statusMatching(sandbox, /Finished|Ended|Stopped/)).toMatch(/^Finished/);
  });
});

/**
 * Ways reader code can ask for binary memory, and how many MB each asks for at a time. Each step must
 * yield within the watchdog's 1.8 s: a 256 MB step, zero-filled, took longer on a loaded 2-core machine.
 */
const BINARY_ALLOCATIONS: Record<string, [string, number]> = {
  'new ArrayBuffer': ['new ArrayBuffer(64 * 1024 * 1024)', 64],
  // The audit's bypass: the original constructor, taken from an instance.
  'the constructor of an instance': [
    'new (new Uint8Array(0).constructor as any)(64 * 1024 * 1024)',
    64,
  ],
  'ArrayBuffer#transfer': ['(new ArrayBuffer(0) as any).transfer(64 * 1024 * 1024)', 64],
  // A Response copies its body more than once, and the copies yield: slow, but no watchdog stop.
  'a copy read from a Response': [
    'await new Response(new Uint8Array(64 * 1024 * 1024)).arrayBuffer()',
    64,
  ],
};

/** Keeps what an allocation returns until 2 GB are held, saying how much it holds. */
const holding = ([allocation, mb]: [string, number]): string =>
  [
    'export default async function main() {',
    '  const held: unknown[] = [];',
    `  for (let mb = ${mb}; mb <= 2048; mb += ${mb}) {`,
    `    held.push(${allocation});`,
    "    console.log('holding', mb, 'MB');",
    '    await new Promise((resolve) => setTimeout(resolve, 10));',
    '  }',
    '}',
  ].join('\n');

describe('a dead runner', () => {
  test('is noticed while a run waits on it, reported, and replaced: the next Run works', async () => {
    const { page, sandbox } = await openChapter();
    await pasteFile(
      sandbox,
      'client.ts',
      "export default async function main() {\n  console.log('waiting');\n  await new Promise((resolve) => setTimeout(resolve, 60_000));\n}\n",
    );
    await pressRun(sandbox);
    await statusMatching(sandbox, /Running/);
    await killRunner(page);
    expect(await statusMatching(sandbox, /Stopped|Finished|Ended/)).toBe('Stopped by the sandbox');
    expect(await consoleText(sandbox)).toMatch(/The sandbox stopped answering/);
    await pasteFile(
      sandbox,
      'client.ts',
      "export default async function main() { console.log('after the crash'); }",
    );
    await pressRun(sandbox);
    expect(await statusMatching(sandbox, /Finished|Ended|Stopped/)).toMatch(/^Finished/);
    expect(await consoleText(sandbox)).toContain('after the crash');
  });
});

/**
 * Silences the runner as a crash of its process would: navigates the runner frame away, so its
 * document, its beats and its workers are gone. (A real crash cannot be confined to the frame here:
 * in the test browser the sandboxed frame shares the page's renderer process, and `Page.crash` on
 * its DevTools session takes the docs page down with it.)
 */
async function killRunner(page: Page): Promise<void> {
  const runner = page.frames().find((frame) => frame.url().includes('/_sandbox/runner-'));
  if (!runner) throw new Error('no runner frame in the page');
  await runner.evaluate(() => location.replace('about:blank'));
}

describe('a site that frames the docs page', () => {
  test('cannot take over the runner channel: it gets no files and writes nothing, and Run says it could not start', async () => {
    const attacker = await startAttackerSite(pageUrl(CHAPTER));
    try {
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(attacker.url);
      const docs = page.frames().find((frame) => frame.url().includes(CHAPTER));
      if (!docs) throw new Error('the docs page did not load in the frame');
      await docs.locator(`bcp-sandbox[data-sandbox="${SANDBOX}"]`).waitFor();
      const sandbox = sandboxIn(page, SANDBOX, docs);
      await pressRun(sandbox);
      // Run ends with a message (the real runner never got to answer), not "Starting…" for good.
      expect(await statusMatching(sandbox, /Finished|Ended|Stopped|Could not start/)).toBe(
        'Could not start the sandbox',
      );
      expect(
        await page.evaluate(() => (window as unknown as { swaps: number }).swaps),
      ).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { stolen: string[] }).stolen)).toEqual(
        [],
      );
      expect(await consoleText(sandbox)).toMatch(/The sandbox runner did (not start|not load)/);
      expect(await consoleText(sandbox)).not.toContain('evil.example');
    } finally {
      await attacker.close();
    }
  });
});

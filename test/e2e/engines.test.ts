/**
 * The sandbox in Firefox and WebKit (Chromium has the rest of the suite): every sandbox page runs to
 * completion, and the runtime's promises hold: an endless loop is stopped, forged messages are
 * dropped, nested workers are absent, binary memory is capped; a runner that floods and forges is held
 * to the page's checks, a site that frames the docs page cannot take over the runner channel, and a
 * dead runner is noticed and replaced (the same attacks as runner-trust and sandbox-attacks.test.ts).
 */
import { globSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAttackerSite } from './attacker-site';
import { pageUrl } from './helpers';
import { openFirefox, openWebKit, type EnginePage } from './engines';
import { expectHeld, HOSTILE_DOCUMENTS, hostileRun, type Seen } from './hostile-runner';
import { inlineSandbox, startRuntimePage, type RuntimePageServer } from './runtime-page';

const dist = resolve(import.meta.dirname, '../../dist');
const sandboxPages = globSync('**/index.html', { cwd: dist })
  .filter((file) => readFileSync(resolve(dist, file), 'utf8').includes('<bcp-sandbox'))
  .map((file) => file.replace(/index\.html$/, ''))
  .sort();

/** In the runtime page: one run through the real runner; resolves to its end and console lines. */
const RUN = `async ({ manifest, files }) => {
  const runner = await window.SandboxRuntime.SandboxRunner.connect(new URL('/runner.html', location.href));
  const transpiler = await (await fetch('/transpiler.js')).text();
  const lines = [];
  const end = await new Promise((done) => runner.run(manifest, files, { latencyMs: 0, params: {} }, {
    onConsole: (entries) => lines.push(...entries.map((entry) => entry.host + ': ' + entry.text)),
    onFinished: (ok) => done('finished ok=' + ok),
    onKilled: (reason, cause) => done('killed ' + cause),
  }, { transpiler }));
  return { end, lines };
}`;

/** Presses a `<bcp-sandbox>` element's Run and waits for its status line to settle. */
const PRESS_RUN = `async (sandbox) => {
  sandbox.querySelector('[data-action="run"]').click();
  const status = sandbox.querySelector('[data-status]');
  const deadline = Date.now() + 60000;
  while (!/Finished|Ended|Stopped|Could not/.test(status.textContent) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The console draws with the next frame.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return status.textContent;
}`;

/** On a chapter page: press every sandbox's Run and wait for each status line to settle. */
const RUN_EVERY_SANDBOX = `async () => {
  // Module scripts may still be running when the driver says the page loaded.
  await customElements.whenDefined('bcp-sandbox');
  const statuses = [];
  for (const sandbox of document.querySelectorAll('bcp-sandbox')) {
    const status = await (${PRESS_RUN})(sandbox);
    statuses.push(status + ' / ' + sandbox.querySelectorAll('[data-console-lines] li').length + ' lines');
  }
  return statuses;
}`;

/** On a chapter page: press one sandbox's Run; its status line and console text. */
const RUN_ONE_SANDBOX = `async (id) => {
  await customElements.whenDefined('bcp-sandbox');
  const sandbox = document.querySelector('bcp-sandbox[data-sandbox="' + id + '"]');
  const status = await (${PRESS_RUN})(sandbox);
  return { status, console: sandbox.querySelector('[data-console-lines]').textContent };
}`;

/**
 * On a chapter page: waits for the empty sandboxed frame the page makes at idle (decisions/0081),
 * presses Run, and says what became of that frame.
 */
const RUN_IN_IDLE_FRAME = `async () => {
  await customElements.whenDefined('bcp-sandbox');
  const deadline = Date.now() + 15000;
  while (!document.querySelector('iframe[srcdoc]') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const spare = document.querySelector('iframe[srcdoc]');
  const before = spare ? spare.getAttribute('sandbox') : 'no frame made at idle';
  const status = await (${PRESS_RUN})(document.querySelector('bcp-sandbox'));
  const frames = [...document.querySelectorAll('iframe')];
  return { before, status, after: frames.map((frame) => frame.getAttribute('sandbox')), same: frames[0] === spare };
}`;

/**
 * In the runtime page: a run waits on its host while the runner frame is navigated away (silenced as
 * a crash would); the page must end the run, and a fresh runner must run the next one.
 */
const LOSE_THE_RUNNER = `async ({ manifest, files }) => {
  const { SandboxRunner } = window.SandboxRuntime;
  const url = new URL('/runner.html', location.href);
  const transpiler = await (await fetch('/transpiler.js')).text();
  const runOnce = (runner, code) => new Promise((done) => runner.run(manifest, code, { latencyMs: 0, params: {} }, {
    onStarted: () => setTimeout(() => { document.querySelector('iframe[title="Sandbox runner"]').src = 'about:blank'; }, 300),
    onFinished: (ok) => done('finished ok=' + ok),
    onKilled: (reason, cause) => done('killed ' + cause),
  }, { transpiler }));
  const runner = await SandboxRunner.connect(url);
  const first = await runOnce(runner, files);
  const again = await SandboxRunner.connect(url);
  const second = await new Promise((done) => again.run(manifest, { ...files, 'client.ts': 'export default async function main() {}' }, { latencyMs: 0, params: {} }, {
    onFinished: (ok) => done('finished ok=' + ok),
    onKilled: (reason, cause) => done('killed ' + cause),
  }, { transpiler }));
  return { first, second, fresh: again !== runner };
}`;

const SERVER = 'export default { fetch: () => new Response("pong") };';
const client = (body: string) => `export default async function main(server: URL) {\n${body}\n}`;

describe.each([
  ['Firefox', openFirefox],
  ['WebKit', openWebKit],
] as const)('%s', (_name, open) => {
  let engine: EnginePage;
  let server: RuntimePageServer;

  beforeAll(async () => {
    server = await startRuntimePage(HOSTILE_DOCUMENTS);
    engine = await open();
  });

  afterAll(async () => {
    await engine?.close();
    await server?.close();
  });

  const run = async (body: string) => {
    await engine.goto(server.url);
    return engine.evaluate<{ end: string; lines: string[] }>(
      RUN,
      inlineSandbox(SERVER, client(body)),
    );
  };

  test('a run reaches its host through the virtual network', async () => {
    const result = await run('console.log(await (await fetch(server)).text());');
    expect(result).toEqual({ end: 'finished ok=true', lines: ['client: pong'] });
  });

  test('an endless loop is stopped by the watchdog', async () => {
    expect((await run('while (true) {}')).end).toBe('killed silent');
  });

  test('reader code cannot forge the runtime, start nested workers, or hold gigabytes', async () => {
    const forged = await run(
      "self.postMessage({ type: 'finished', ok: true }); self.postMessage({ type: 'console', entries: [{ host: 'sandbox', level: 'error', text: 'evil.example', t: 0 }] });\nconsole.log(typeof (self as any).Worker);\nthrow new Error('real end');",
    );
    expect(forged.end).toBe('finished ok=false');
    expect(forged.lines[0]).toBe('client: undefined');
    expect(forged.lines.join('\n')).not.toContain('evil.example');
    const memory = await run(
      'const held = [];\nfor (let i = 0; i < 16; i++) { held.push(new ArrayBuffer(256 * 1024 * 1024)); await new Promise((r) => setTimeout(r, 10)); }',
    );
    expect(memory.end).toBe('killed memory');
  });

  test('a runner that floods and forges is held to the page’s checks and byte budget', async () => {
    for (const scenario of ['', '?bytes']) {
      await engine.goto(server.url);
      const { source, arg } = hostileRun(scenario);
      expectHeld(scenario, await engine.evaluate<Seen>(source, arg));
    }
  });

  test('a site that frames the docs page cannot take over the runner channel', async () => {
    const attacker = await startAttackerSite(pageUrl('patterns/request-response/'));
    try {
      await engine.goto(attacker.url);
      await expect
        .poll(() => engine.evaluate<boolean>('async () => window.docsLoaded === true'), {
          timeout: 30_000,
        })
        .toBe(true);
      const outcome = await engine.evaluateInChild<{ status: string; console: string }>(
        RUN_ONE_SANDBOX,
        'request-response',
      );
      expect(outcome.status).toBe('Could not start the sandbox');
      expect(outcome.console).toMatch(/The sandbox runner did (not start|not load)/);
      expect(outcome.console).not.toContain('evil.example');
      const seen = await engine.evaluate<{ stolen: string[]; swaps: number }>(
        'async () => ({ stolen: window.stolen, swaps: window.swaps })',
      );
      expect(seen.swaps).toBeGreaterThan(0);
      expect(seen.stolen).toEqual([]);
    } finally {
      await attacker.close();
    }
  });

  test('a dead runner is noticed while a run waits on it, and replaced: the next run works', async () => {
    await engine.goto(server.url);
    const waiting = client('await new Promise((resolve) => setTimeout(resolve, 60_000));');
    expect(await engine.evaluate(LOSE_THE_RUNNER, inlineSandbox(SERVER, waiting))).toEqual({
      first: 'killed runner-lost',
      second: 'finished ok=true',
      fresh: true,
    });
  });

  test('the runner loads into the empty, script-less frame made while the page was idle', async () => {
    await engine.goto(pageUrl('patterns/request-response/'));
    const outcome = await engine.evaluate<{ status: string }>(RUN_IN_IDLE_FRAME);
    expect(outcome).toMatchObject({ before: '', after: ['allow-scripts'], same: true });
    expect(outcome.status).toMatch(/^Finished in \d+ ms$/);
  });

  test.each(sandboxPages)('%s: every sandbox runs to the end', async (path) => {
    await engine.goto(pageUrl(path));
    const statuses = await engine.evaluate<string[]>(RUN_EVERY_SANDBOX);
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(status).toMatch(/^Finished in \d+ ms \/ [1-9]\d* lines$/);
  });
});

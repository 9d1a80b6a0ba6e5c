/**
 * The Request–Response sandbox as a reader uses it, in Chromium against the built site:
 * run, edit, runaway code, persistence, reset and isolation.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium, pageUrl, watchPage, type PageProblems } from './helpers';
import { pressRun, sandboxIn, statusMatching } from './sandbox-driver';

const CHAPTER = 'patterns/request-response/';
const originalClient = readFileSync(
  resolve(import.meta.dirname, '../../sandboxes/request-response/client.ts'),
  'utf8',
);

let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  await context?.close();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  problems = watchPage(page);
  await page.goto(pageUrl(CHAPTER));
});

// The chapter embeds further sandboxes (request-response.<name>); this file drives its own one.
const sandbox = () => page.locator('bcp-sandbox[data-sandbox="request-response"]');
const consoleText = () => sandbox().getByRole('region', { name: 'Console' }).innerText();

const driven = () => sandboxIn(page, 'request-response');

/** Presses Run; `waitForStatus` then matches only this run's statuses, not the last run's. */
async function run(): Promise<void> {
  await pressRun(driven());
}

async function waitForStatus(pattern: RegExp): Promise<void> {
  await statusMatching(driven(), pattern, 15_000);
}

/** Opens a file's editor and replaces its whole text, as a reader pasting code would. */
async function replaceFile(file: string, code: string): Promise<void> {
  await sandbox().getByRole('tab', { name: file }).click();
  const editor = sandbox().getByRole('textbox', { name: `Edit ${file}` });
  if ((await editor.count()) === 0) {
    // Touching the highlighted code turns it into the editor.
    await sandbox().locator(`[role="tabpanel"][data-file="${file}"] [data-static] pre`).click();
  }
  await editor.waitFor();
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(code);
}

async function editorText(file: string): Promise<string> {
  // The editor is in its file's tab panel; show it, as a reader would.
  await sandbox()
    .getByRole('tab', { name: new RegExp(file.replace('.', '\\.')) })
    .click();
  return sandbox()
    .getByRole('textbox', { name: `Edit ${file}` })
    .evaluate((element) => {
      // CodeMirror draws only some lines (and wraps them); its document holds them all. Its
      // content element links to the view through `cmTile` (CodeMirror 6.39+).
      const view = (element as HTMLElement & { cmTile?: { view?: { state: { doc: object } } } })
        .cmTile?.view;
      if (!view) throw new Error('no CodeMirror view on the editor element');
      return String(view.state.doc);
    });
}

describe('the Request–Response sandbox', () => {
  test('renders the steps and file tabs with named controls; a file tab shows its highlighted code', async () => {
    for (const name of ['Run', 'Stop', 'Reset', 'Open in StackBlitz']) {
      await expect(sandbox().getByRole('button', { name, exact: true }).count()).resolves.toBe(1);
    }
    await expect(sandbox().getByRole('region', { name: 'Console' }).count()).resolves.toBe(1);
    await expect(sandbox().getByRole('region', { name: 'Network trace' }).count()).resolves.toBe(1);
    // A file's code comes into the page when its tab is first selected (decisions/0060).
    await sandbox().getByRole('tab', { name: 'client.ts' }).click();
    const code = sandbox().locator('[data-file="client.ts"] [data-static] .expressive-code');
    await code.waitFor();
    expect(await code.innerText()).toContain('export default async function main');
  });

  test('Run shows what the client and the server print, labelled by host', async () => {
    await run();
    await waitForStatus(/Finished/);
    const text = await consoleText();
    expect(text).toMatch(/server\s+stored upload 1: cat\.png \(48213 bytes\)/);
    expect(text).toMatch(/client\s+201 Created/);
    expect(text).toMatch(/client\s+400 Bad Request \{ error: 'body is not valid JSON/);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  });

  test('the Network trace draws the exchange, shows the real request bytes with their counts, and counts what it drew', async () => {
    await run();
    await waitForStatus(/Finished/);
    const trace = sandbox().getByRole('region', { name: 'Network trace' });
    expect(await trace.locator('.tv-lanes g.tv-request').count()).toBe(2);
    expect(await trace.locator('.tv-lanes g.tv-response').count()).toBe(2);
    // Keyboard: show the message list, focus it, go to the first message, open it.
    await trace.getByRole('button', { name: 'Messages', exact: true }).click();
    await trace.getByRole('listbox').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const rows = await trace.locator('.tv-wire tbody tr').evaluateAll((elements) =>
      elements.map((row) => ({
        text: row.querySelector('code')?.textContent ?? '',
        bytes: Number(row.querySelector('.tv-bytes')?.textContent),
      })),
    );
    const body = JSON.stringify({ fileName: 'cat.png', sizeBytes: 48213 });
    const utf8 = (text: string) => new TextEncoder().encode(text).byteLength;
    expect(rows[0]).toEqual({
      text: 'POST /uploads HTTP/1.1',
      bytes: utf8('POST /uploads HTTP/1.1') + 2,
    });
    expect(rows.at(-1)).toEqual({ text: body, bytes: utf8(body) });
    // Every header line counts its bytes plus CRLF, and the blank line is just CRLF.
    for (const row of rows.slice(1, -2)) expect(row.bytes).toBe(utf8(row.text) + 2);
    expect(rows.at(-2)?.bytes).toBe(2);
    expect(rows.map((row) => row.text)).toContain(`content-length: ${utf8(body)}`);
    const total = Number(await trace.locator('.tv-wire tfoot .tv-bytes').textContent());
    expect(total).toBe(rows.reduce((sum, row) => sum + row.bytes, 0));
    // The counters agree with the diagram: two requests from the client, a 2xx and a 4xx from the server.
    await trace.getByRole('button', { name: 'Counters', exact: true }).click();
    await trace.locator('.tv-counters tbody tr').first().waitFor();
    const counters = await trace
      .locator('.tv-counters tbody tr')
      .evaluateAll((elements) =>
        elements.map((row) =>
          [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent),
        ),
      );
    expect(counters[0]?.slice(0, 2)).toEqual(['client', '2 / 0']);
    expect([...(counters[1]?.slice(0, 2) ?? []), counters[1]?.[3]]).toEqual([
      'server',
      '0 / 2',
      '2xx 1 · 4xx 1',
    ]);
  });

  test('from the keyboard, Enter on the highlighted code opens the editor there', async () => {
    // The Steps tab shows first; arrow keys move to the file, Tab enters its code.
    await sandbox().getByRole('tab', { name: 'Steps' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    expect(
      await sandbox()
        .getByRole('group', { name: 'client.ts: press Enter to edit' })
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('Enter');
    const editor = sandbox().getByRole('textbox', { name: 'Edit client.ts' });
    await editor.waitFor();
    await expect
      .poll(() => editor.evaluate((element) => element === document.activeElement))
      .toBe(true);
    // Opening the editor changes nothing: no edit is saved, the tab is not marked.
    expect(await editorText('client.ts')).toBe(originalClient);
    await expect(
      sandbox()
        .getByRole('tab', { name: /client\.ts/ })
        .getAttribute('data-edited'),
    ).resolves.toBeNull();
  });

  test('Escape then Tab leaves the editor, and the page says so', async () => {
    await replaceFile('client.ts', originalClient);
    expect(
      await sandbox().getByText('press Escape, then Tab, to leave the editor').isVisible(),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      () => document.activeElement?.closest('.cm-editor') !== null,
    );
    expect(focused).toBe(false);
  });

  test('edited client code runs with its new behaviour, also from Ctrl+Enter in the editor', async () => {
    await replaceFile(
      'client.ts',
      [
        'export default async function main(server: URL) {',
        "  const response = await fetch(new URL('/uploads', server), { method: 'POST', body: '{\"fileName\":\"x.png\"}' });",
        "  console.log('edited', response.status, (await response.json()).error);",
        '}',
      ].join('\n'),
    );
    await page.keyboard.press('Control+Enter');
    await waitForStatus(/Finished/);
    expect(await consoleText()).toMatch(/client\s+edited 400 sizeBytes must be an integer/);
  });

  test('an endless loop is stopped with a clear message while the page stays responsive, and Run works again', async () => {
    await replaceFile(
      'client.ts',
      'export default async function main() {\n  while (true) {}\n}\n',
    );
    await run();
    // The page answers while the sandbox loops: its own event loop is never blocked.
    const roundTrip = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const start = performance.now();
          setTimeout(() => resolve(performance.now() - start), 0);
        }),
    );
    expect(roundTrip).toBeLessThan(1000);
    await waitForStatus(/Stopped by the sandbox/);
    expect(await consoleText()).toMatch(/endless loop/);
    await replaceFile('client.ts', originalClient);
    await run();
    await waitForStatus(/Finished/);
    expect(await consoleText()).toMatch(/client\s+201 Created/);
  });

  test('an endless loop in the server after an earlier Run is stopped by the watchdog, not reported as a failed start', async () => {
    await run();
    await waitForStatus(/Finished/);
    await replaceFile(
      'server.ts',
      'export default {\n  fetch(): Response {\n    while (true) {}\n  },\n};\n',
    );
    await run();
    await waitForStatus(/Stopped by the sandbox/);
    expect(await consoleText()).toMatch(/endless loop/);
    expect(await consoleText()).not.toMatch(/did not start/);
  });

  test('a legitimate 1.5 s computation is not stopped', async () => {
    await replaceFile(
      'client.ts',
      "export default async function main() {\n  const end = Date.now() + 1500;\n  let spins = 0;\n  while (Date.now() < end) spins++;\n  console.log('done spinning', spins > 0);\n}\n",
    );
    await run();
    await waitForStatus(/Finished|Stopped/);
    expect(await consoleText()).toContain('done spinning true');
  });

  test('errors show the line and column of the TypeScript the reader sees', async () => {
    await replaceFile(
      'client.ts',
      'export default async function main() {\n  const a: number = 1;\n  const b = );\n}\n',
    );
    await run();
    await waitForStatus(/error/);
    expect(await consoleText()).toMatch(/client\.ts:3:13 SyntaxError: Unexpected token/);
    await replaceFile(
      'client.ts',
      "export default async function main() {\n  const label: string = 'late';\n  setTimeout(() => { throw new Error(label); }, 10);\n  await new Promise((resolve) => setTimeout(resolve, 50));\n}\n",
    );
    await run();
    await waitForStatus(/Finished/);
    expect(await consoleText()).toMatch(/client\.ts:3:28 Error: late/);
    expect(problems.pageErrors).toEqual([]);
  });

  test('console output is text, never HTML, and a flood is capped with an "N more" line', async () => {
    await replaceFile(
      'client.ts',
      "export default async function main() {\n  console.log('<img src=x onerror=\"document.title=1\">');\n  for (let i = 0; i < 1_000_000; i++) console.log('line', i);\n}\n",
    );
    await run();
    await waitForStatus(/Finished/);
    await sandbox()
      .getByText(/more lines not shown/)
      .waitFor();
    const text = await consoleText();
    expect(text).toContain('<img src=x onerror="document.title=1">');
    expect(await sandbox().locator('[data-console-lines] img').count()).toBe(0);
    // 1,000,001 lines were logged; the first 1,000 are shown.
    expect(text).toMatch(/999,001 more lines not shown/);
  });

  test('edits survive a reload without running, and Reset restores the original', async () => {
    await replaceFile(
      'client.ts',
      "export default async function main() {\n  console.log('from storage');\n}\n",
    );
    await page.reload();
    await sandbox()
      .getByText(/Restored your edits to client\.ts/)
      .waitFor();
    expect(await editorText('client.ts')).toContain("console.log('from storage');");
    expect(await sandbox().locator('[data-console-lines] li').count()).toBe(0);
    await expect(
      sandbox()
        .getByRole('tab', { name: /client\.ts/ })
        .getAttribute('data-edited'),
    ).resolves.toBe('');

    // Reset asks which code to restore, and offers to undo.
    await sandbox()
      .getByRole('tab', { name: /client\.ts/ })
      .click();
    await sandbox().getByRole('button', { name: 'Reset', exact: true }).click();
    await sandbox().getByRole('button', { name: 'Reset client.ts' }).click();
    expect(await editorText('client.ts')).toBe(originalClient);
    await sandbox().getByRole('button', { name: 'Undo' }).click();
    expect(await editorText('client.ts')).toContain("console.log('from storage');");
    await sandbox().getByRole('button', { name: 'Reset', exact: true }).click();
    await sandbox().getByRole('button', { name: 'Cancel' }).click();
    expect(await editorText('client.ts')).toContain("console.log('from storage');");
    await sandbox().getByRole('button', { name: 'Reset', exact: true }).click();
    await sandbox().getByRole('button', { name: 'Reset client.ts' }).click();
    expect(await editorText('client.ts')).toBe(originalClient);
    await page.reload();
    await expect(sandbox().getByRole('textbox', { name: 'Edit client.ts' }).count()).resolves.toBe(
      0,
    );
    await run();
    await waitForStatus(/Finished/);
    expect(await consoleText()).toMatch(/client\s+201 Created/);
  });

  test('when the chapter code changed since the reader edited it, the reader is told and chooses', async () => {
    // An edit saved against an older version of client.ts (its hash no longer matches).
    await page.evaluate(() =>
      localStorage.setItem(
        'bcp:edits:v1:request-response:client.ts',
        JSON.stringify({
          originalHash: 'an-older-version',
          code: 'export default async function main() {}\n',
          savedAt: 1,
        }),
      ),
    );
    await page.reload();
    await sandbox()
      .getByText(/code changed since you edited client\.ts/)
      .waitFor();
    await sandbox()
      .getByRole('tab', { name: /client\.ts/ })
      .click();
    // Nothing was applied silently: the shipped code is still what the page shows.
    expect(await sandbox().locator('[data-file="client.ts"] [data-static]').isVisible()).toBe(true);
    await sandbox().getByRole('button', { name: 'Keep my edits' }).click();
    await sandbox().getByRole('textbox', { name: 'Edit client.ts' }).waitFor();
    expect(await editorText('client.ts')).toBe('export default async function main() {}\n');

    await page.evaluate(() =>
      localStorage.setItem(
        'bcp:edits:v1:request-response:client.ts',
        JSON.stringify({ originalHash: 'an-older-version', code: '// mine\n', savedAt: 1 }),
      ),
    );
    await page.reload();
    await sandbox().getByRole('button', { name: 'Use the new code' }).click();
    await sandbox()
      .getByRole('tab', { name: /client\.ts/ })
      .click();
    expect(
      await page.evaluate(() => localStorage.getItem('bcp:edits:v1:request-response:client.ts')),
    ).toBeNull();
    expect(await sandbox().locator('[data-file="client.ts"] [data-static]').isVisible()).toBe(true);
  });

  test('when storage refuses to save, editing and Run keep working and a quiet notice says so', async () => {
    // Storage is full: every write of an edit fails (the theme and sidebar keep their own keys).
    await page.addInitScript(() => {
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key: string, value: string) {
        if (key.startsWith('bcp:')) {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        setItem.call(this, key, value);
      };
    });
    await page.reload();
    await replaceFile(
      'client.ts',
      "export default async function main() {\n  console.log('unsaved but running');\n}\n",
    );
    await sandbox()
      .getByText(/edits work here but are not saved/)
      .waitFor();
    await run();
    await waitForStatus(/Finished/);
    expect(await consoleText()).toMatch(/client\s+unsaved but running/);
    expect(problems.pageErrors).toEqual([]);
  });

  test('exercises: a Run checks each one; a solved exercise stays solved after a reload', async () => {
    const exercise = sandbox().locator('[data-exercise="idempotency-key"]');
    await run();
    await waitForStatus(/Finished/);
    // No verdicts before the reader changed anything: the shipped code solves none.
    expect(await sandbox().locator('[data-exercise-result]:not(:empty)').count()).toBe(0);
    await replaceFile('client.ts', `${originalClient}\n// a first edit\n`);
    await run();
    await waitForStatus(/Finished/);
    // Verdicts follow the end of the run (the checks load on demand).
    await expect
      .poll(() => exercise.locator('[data-exercise-result]').textContent())
      .toMatch(/^✗ Not yet: No two POSTs carried the same Idempotency-Key header yet\.$/);
    const solution = resolve(
      import.meta.dirname,
      '../../sandboxes/request-response/solutions/idempotency-key',
    );
    await replaceFile('server.ts', readFileSync(resolve(solution, 'server.ts'), 'utf8'));
    await replaceFile('client.ts', readFileSync(resolve(solution, 'client.ts'), 'utf8'));
    await run();
    await waitForStatus(/Finished/);
    // Verdicts follow the end of the run (the checks load on demand).
    await expect
      .poll(() => exercise.locator('[data-exercise-result]').textContent())
      .toMatch(/^✓ Solved: 2 POSTs with the key/);
    await expect(exercise.locator('[data-exercise-state]').textContent()).resolves.toBe('Solved');
    // The other exercise is judged on the same run, and is not solved by it.
    await expect(
      sandbox().locator('[data-exercise="limit-size"] [data-exercise-result]').textContent(),
    ).resolves.toMatch(/^✗ Not yet/);
    await page.reload();
    await expect(exercise.locator('[data-exercise-state]').textContent()).resolves.toBe('Solved');
  });

  test('reader code cannot touch the docs page, its storage, cookies or navigation, nor leave the sandbox network', async () => {
    await page.evaluate(() => {
      localStorage.setItem('docs-own', 'kept');
      document.cookie = 'docs=kept; path=/';
    });
    const before = await page.evaluate(() => ({ title: document.title, url: location.href }));
    await replaceFile(
      'client.ts',
      [
        'export default async function main() {',
        '  const attempts: Record<string, () => unknown> = {',
        "    localStorage: () => (globalThis as any).localStorage.setItem('docs-own', 'stolen'),",
        "    cookie: () => ((globalThis as any).document.cookie = 'docs=stolen'),",
        "    parent: () => ((globalThis as any).parent.document.title = 'owned'),",
        "    top: () => ((globalThis as any).top.location.href = 'https://example.com/'),",
        "    indexedDB: () => (globalThis as any).indexedDB.open('x'),",
        "    caches: () => (globalThis as any).caches.open('x'),",
        '  };',
        '  for (const [name, attempt] of Object.entries(attempts)) {',
        '    try { attempt(); console.log(`${name}: allowed`); } catch (error) { console.log(`${name}: blocked`); }',
        '  }',
        "  try { await fetch('https://example.com/'); console.log('network: allowed'); } catch { console.log('network: blocked'); }",
        '}',
      ].join('\n'),
    );
    await run();
    await waitForStatus(/Finished/);
    const text = await consoleText();
    for (const name of [
      'localStorage',
      'cookie',
      'parent',
      'top',
      'indexedDB',
      'caches',
      'network',
    ]) {
      expect(text).toContain(`${name}: blocked`);
    }
    expect(text).toMatch(
      /example\.com\/ was blocked: this sandbox reaches only http:\/\/server\.test\//,
    );
    const after = await page.evaluate(() => ({
      title: document.title,
      url: location.href,
      stored: localStorage.getItem('docs-own'),
      cookie: document.cookie,
    }));
    expect(after).toEqual({ ...before, stored: 'kept', cookie: 'docs=kept' });
  });
});

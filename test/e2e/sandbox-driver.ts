/**
 * Driving one sandbox of a built chapter page as a reader does (Playwright, Chromium): replace a
 * file's code, press Run, wait for the status line. Shared by tests that attack the sandbox.
 */
import type { Frame, Locator, Page } from 'playwright-core';

/** One `<bcp-sandbox>` in a page or a frame, and the page whose keyboard types into it. */
export interface SandboxUnderTest {
  page: Page;
  root: Locator;
}

/** The chapter's own sandbox (`bcp-sandbox[data-sandbox="<id>"]`) in a page or a framed page. */
export function sandboxIn(page: Page, id: string, frame: Page | Frame = page): SandboxUnderTest {
  return { page, root: frame.locator(`bcp-sandbox[data-sandbox="${id}"]`) };
}

/**
 * Presses Run and starts recording every status text from then on, so `statusMatching` waits for
 * this run's status, not the last run's (a run that ends the same way shows the same text).
 */
export async function pressRun(sandbox: SandboxUnderTest): Promise<void> {
  await sandbox.root.locator('[data-status]').evaluate((status) => {
    const recorded = status as HTMLElement & { statusLog?: { seen: string[]; stop(): void } };
    recorded.statusLog?.stop();
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(status.textContent ?? ''));
    observer.observe(status, { childList: true, characterData: true, subtree: true });
    recorded.statusLog = { seen, stop: () => observer.disconnect() };
  });
  await sandbox.root.getByRole('button', { name: 'Run', exact: true }).click();
}

/**
 * Waits until a status shown since the last `pressRun` (or, before any, the current one) matches,
 * and returns it.
 */
export async function statusMatching(
  sandbox: SandboxUnderTest,
  pattern: RegExp,
  timeout = 30_000,
): Promise<string> {
  const status = sandbox.root.locator('[data-status]');
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = await status.evaluate((element) => {
      const log = (element as HTMLElement & { statusLog?: { seen: string[] } }).statusLog;
      return log ? log.seen : [element.textContent ?? ''];
    });
    const match = shown.map((text) => text.trim()).find((text) => pattern.test(text));
    if (match !== undefined) return match;
    if (Date.now() > deadline) {
      throw new Error(
        `No status matched ${pattern} within ${timeout} ms; shown: ${shown.join(' → ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function consoleText(sandbox: SandboxUnderTest): Promise<string> {
  return sandbox.root.getByRole('region', { name: 'Console' }).innerText();
}

/** Opens a file's editor and replaces its whole text, as a reader pasting code would. */
export async function pasteFile(
  sandbox: SandboxUnderTest,
  file: string,
  code: string,
): Promise<void> {
  await sandbox.root.getByRole('tab', { name: file }).click();
  const editor = sandbox.root.getByRole('textbox', { name: `Edit ${file}` });
  if ((await editor.count()) === 0) {
    await sandbox.root.locator(`[role="tabpanel"][data-file="${file}"] [data-static] pre`).click();
  }
  await editor.waitFor();
  await editor.focus();
  await sandbox.page.keyboard.press('ControlOrMeta+A');
  await sandbox.page.keyboard.insertText(code);
}

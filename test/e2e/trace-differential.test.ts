/**
 * Differential test: every sandbox runs twice, in headless Chromium (the in-page virtual network)
 * and in Node over real loopback sockets (the harness). Both traces must tell the same story, timings
 * aside: per exchange, method and target, header names, status and reason phrase, framing and
 * whether the body matched it, SSE fields, WebSocket frames and close codes, errors and aborts
 * (strictSignature; its unit test proves a dropped error or a changed framing is caught).
 * The Node harness's own fixtures run too, as extra shapes of traffic (proxy, SSE, WebSocket, cookies…).
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode } from '../../src/sandbox/node/harness';
import { strictSignature } from '../../src/sandbox/trace/strict-signature';
import { traceSignature } from '../../src/sandbox/trace/signature';
import { launchChromium } from './helpers';
import {
  readSandboxFolder,
  runInRuntimePage,
  startRuntimePage,
  type RuntimePageServer,
} from './runtime-page';

const root = new URL('../../', import.meta.url).pathname;
/** Folders holding a sandbox.json, found by glob so a new sandbox is tested without editing this file. */
const folders = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(root, dir, entry.name, 'sandbox.json')),
    )
    .map((entry) => join(dir, entry.name))
    .sort();

const sandboxes = folders('sandboxes');
// "stuck" never finishes by design (it tests the harness's timeout), so it has no sequence to compare.
const fixtures = folders('src/sandbox/node/fixtures').filter((dir) => !dir.endsWith('/stuck'));

let server: RuntimePageServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startRuntimePage();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function compare(dir: string): Promise<void> {
  const inPage = await runInRuntimePage(page, await readSandboxFolder(join(root, dir)));
  const inNode = await runSandboxInNode(join(root, dir));
  expect(inPage.end).toBe('finished ok=true');
  const signature = traceSignature(inPage.trace);
  expect(signature.length, 'the sandbox sent no traffic').toBeGreaterThan(0);
  expect(signature).toEqual(traceSignature(inNode.trace));
  // Per message: header names, status and reason phrase, framing, body bytes, SSE fields, frames, errors.
  expect(strictSignature(inPage.trace)).toEqual(strictSignature(inNode.trace));
}

describe('in-page and real-socket traces agree, for every sandbox', () => {
  it('finds the sandboxes', () => expect(sandboxes.length).toBeGreaterThan(0));
  it.each(sandboxes)('%s', compare);
});

describe('in-page and real-socket traces agree, for the harness fixtures', () => {
  it.each(fixtures)('%s', compare);
});

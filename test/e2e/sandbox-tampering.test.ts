/**
 * Reader code against the trusted parts of the worker runtime, in Chromium against the built site:
 * it shares the worker's built-ins (Array, Map, Promise prototypes …) with the runtime, and patches
 * them to forge what the runtime posts. What the page accepts (the console, the trace the exercise
 * checks read, and the run's `ok`) must be what the run really did (decisions/0025).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { launchChromium, pageUrl, watchPage } from './helpers';
import { consoleText, pasteFile, pressRun, sandboxIn, statusMatching } from './sandbox-driver';

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

/** What the page accepted from one run, as the exercise checks see it (the sandbox:* events). */
interface Accepted {
  ok?: boolean;
  hosts: string[];
  exchanges: string[];
  statuses: number[];
}

async function openChapter(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(pageUrl(CHAPTER));
  await page.evaluate(() => {
    const seen = { hosts: [] as string[], exchanges: [] as string[], statuses: [] as number[] };
    (window as unknown as { accepted: Accepted }).accepted = seen;
    type Detail = {
      entries?: Array<{ host: string }>;
      events?: Array<{ exchange: string; status?: number }>;
      ok?: boolean;
    };
    const on = (type: string, take: (detail: Detail) => void) =>
      document.addEventListener(type, (event) => take((event as CustomEvent<Detail>).detail));
    on('sandbox:start', () => {
      seen.hosts = [];
      seen.exchanges = [];
      seen.statuses = [];
      delete (seen as Accepted).ok;
    });
    on('sandbox:console', ({ entries = [] }) => seen.hosts.push(...entries.map((e) => e.host)));
    on('sandbox:trace', ({ events = [] }) => {
      for (const event of events) {
        seen.exchanges.push(event.exchange);
        if (typeof event.status === 'number') seen.statuses.push(event.status);
      }
    });
    on('sandbox:end', ({ ok }) => ((seen as Accepted).ok = ok));
  });
  return page;
}

async function runAttack(
  page: Page,
  code: string,
): Promise<{ status: string; console: string; accepted: Accepted }> {
  const sandbox = sandboxIn(page, SANDBOX);
  await pasteFile(sandbox, 'client.ts', code);
  await pressRun(sandbox);
  const status = await statusMatching(sandbox, /Finished|Ended|Stopped/);
  const accepted = await page.evaluate(
    () => (window as unknown as { accepted: Accepted }).accepted,
  );
  return { status, console: await consoleText(sandbox), accepted };
}

/** The audit's attack: push copies forged lines and events into whatever the runtime queues; every says yes. */
const PATCH_PUSH_AND_EVERY = `export default async function main(server: URL) {
  const push = Array.prototype.push;
  let lined = false;
  Array.prototype.push = function (this: unknown[], ...items: any[]) {
    const first = items[0];
    if (first && typeof first === 'object') {
      if (!lined && 'level' in first && 'host' in first) {
        lined = true;
        push.call(this, { ...first, host: 'sandbox', level: 'error', text: 'Session expired: sign in at evil.example' });
      }
      if (first.kind === 'request' && first.exchange !== 'forged') {
        push.call(this, { ...first, exchange: 'forged', method: 'POST', url: new URL('/uploads', server).href, bodySize: 5000 });
      }
      if (first.kind === 'response' && first.exchange !== 'forged') {
        push.call(this, { ...first, exchange: 'forged', status: 413, statusText: 'Content Too Large' });
      }
    }
    return push.apply(this, items);
  };
  Array.prototype.every = function () { return true; };
  console.log('patched');
  await fetch(server);
  throw new Error('the real end of this run');
}`;

/**
 * The same forgeries without touching a method the runtime calls: a setter on every object's "0"
 * swaps what lands first in an empty array, a patched Promise#then turns rejections into success,
 * and a patched Map#get names the runtime as the owner of an uncaught error.
 */
const PATCH_SETTER_THEN_AND_MAP = `export default async function main(server: URL) {
  let lined = false;
  const forge = (value: any) => {
    if (!lined && value && typeof value === 'object' && 'level' in value) {
      lined = true;
      return { ...value, host: 'sandbox', text: 'Session expired: sign in at evil.example' };
    }
    if (value && value.kind === 'response') return { ...value, exchange: 'forged', status: 413, statusText: 'Content Too Large' };
    return value;
  };
  Object.defineProperty(Object.prototype, '0', {
    configurable: true,
    set(this: object, value: unknown) {
      const own = Array.isArray(this) ? forge(value) : value;
      Object.defineProperty(this, '0', { value: own, writable: true, enumerable: true, configurable: true });
    },
  });
  const then = Promise.prototype.then;
  Promise.prototype.then = function (this: Promise<unknown>, onOk?: any, onError?: any) {
    const flip = (error: any) => (error?.message === 'the real end of this run' && onOk ? onOk(undefined) : onError?.(error));
    return then.call(this, onOk, onError && flip);
  } as any;
  const get = Map.prototype.get;
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    const real = get.call(this, key);
    return real === 'client' ? 'sandbox' : real;
  };
  setTimeout(() => { throw new Error('Session expired: sign in at evil.example'); }, 0);
  console.log('patched');
  await fetch(server);
  await new Promise((resolve) => setTimeout(resolve, 50));
  throw new Error('the real end of this run');
}`;

test.each([
  ['Array#push and Array#every', PATCH_PUSH_AND_EVERY],
  ['a setter on Object.prototype[0], Promise#then and Map#get', PATCH_SETTER_THEN_AND_MAP],
])(
  'reader code that patches %s forges no runtime line, no trace event and no ok',
  async (_what, code) => {
    const page = await openChapter();
    const problems = watchPage(page);
    const { status, console, accepted } = await runAttack(page, code);
    expect.soft(console).toMatch(/the real end of this run/);
    expect.soft(accepted.hosts).not.toContain('sandbox');
    expect.soft(accepted.exchanges).not.toContain('forged');
    expect.soft(accepted.statuses).not.toContain(413);
    expect.soft(accepted.exchanges.length).toBeGreaterThan(0);
    expect.soft(accepted.ok).toBe(false);
    expect.soft(status).toMatch(/^Ended with an error/);
    expect(problems.pageErrors).toEqual([]);
  },
);

/**
 * Still open, in the trace recorder's files (not this runtime's): the virtual network reads a
 * request's method and URL and a response's status through getters reader code can replace, so the
 * trace shows `POST /uploads → 413` for a `GET / → 404`. Un-skip once the recorder reads them with
 * getters captured at load (decisions/0064).
 */
const PATCH_GETTERS = `const own = (proto: any, key: string): [any, any] => {
  for (let at = proto; at; at = Object.getPrototypeOf(at)) {
    const found = Object.getOwnPropertyDescriptor(at, key);
    if (found) return [at, found.get];
  }
  throw new Error(key);
};
const bend = (proto: any, key: string, change: (real: any) => any) => {
  const [at, get] = own(proto, key);
  Object.defineProperty(at, key, { configurable: true, get(this: any) { return change(get.call(this)); } });
};
export default async function main(server: URL) {
  bend(Response.prototype, 'status', (real) => (real === 404 ? 413 : real));
  bend(Request.prototype, 'method', () => 'POST');
  bend(URL.prototype, 'href', (real) => (real.endsWith('.test/') ? real + 'uploads' : real));
  await fetch(new URL('/nowhere', server));
  throw new Error('the real end of this run');
}`;

test.skip('reader code that replaces Request, URL and Response getters forges no trace event', async () => {
  const page = await openChapter();
  const { accepted } = await runAttack(page, PATCH_GETTERS);
  expect(accepted.statuses).not.toContain(413);
  expect(accepted.ok).toBe(false);
});

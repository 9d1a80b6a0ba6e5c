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
  events: object[];
}

async function openChapter(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(pageUrl(CHAPTER));
  await page.evaluate(() => {
    const seen: Accepted = { hosts: [], exchanges: [], statuses: [], events: [] };
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
      seen.events = [];
      delete seen.ok;
    });
    on('sandbox:console', ({ entries = [] }) => seen.hosts.push(...entries.map((e) => e.host)));
    on('sandbox:trace', ({ events = [] }) => {
      for (const event of events) {
        seen.events.push(event);
        seen.exchanges.push(event.exchange);
        if (typeof event.status === 'number') seen.statuses.push(event.status);
      }
    });
    on('sandbox:end', ({ ok }) => (seen.ok = ok));
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
 * A server that takes what it reads before any client runs, so a client's patches cannot change what
 * it answers: a fixed 404 that sets a cookie, an event stream, and a 201 for a POST.
 */
const HONEST_SERVER = `const { apply } = Reflect;
const urlOf = Object.getOwnPropertyDescriptor(Request.prototype, 'url')!.get!;
const encoder = new TextEncoder();
const encode = TextEncoder.prototype.encode;
const bytes = (text: string): Uint8Array => apply(encode, encoder, [text]);
export default {
  async fetch(request: Request): Promise<Response> {
    const url = apply(urlOf, request, []);
    if (url === 'http://server.test/fixed') {
      const headers = { 'content-type': 'application/json', 'set-cookie': 'session=real; Path=/' };
      return new Response(bytes('{"fixed":true}'), { status: 404, headers });
    }
    if (url === 'http://server.test/stream') {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(bytes('data: one\\n\\n'));
          controller.enqueue(bytes('data: two\\n\\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(bytes('stored'), { status: 201, headers: { location: '/uploads/1' } });
  },
};`;

/**
 * A client that, when PATCH is true, replaces every getter and method the virtual network reads a
 * request, URL, headers, response and body with (and the Array and Set methods it could build the
 * trace with), each bent to forge what is recorded, then makes the requests of its honest twin.
 */
const BENDING_CLIENT = `const PATCH = __PATCH__;
type Change = (real: any, self: any, args: any[]) => any;
function bend(proto: any, key: PropertyKey, change: Change): void {
  for (let at = proto; at; at = Object.getPrototypeOf(at)) {
    const found = Object.getOwnPropertyDescriptor(at, key);
    if (!found) continue;
    const { get, value } = found;
    Object.defineProperty(at, key, get
      ? { configurable: true, get(this: any) { return change(get.call(this), this, []); } }
      : { configurable: true, writable: true, value(this: any, ...args: any[]) { return change(value.apply(this, args), this, args); } });
    return;
  }
  throw new Error(String(key));
}
const FORGED = ['x-forged', 'yes'];
const forgedBytes = new TextEncoder().encode('forged');
const isPair = (item: any) => Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && typeof item[1] === 'string';
const allPairs = (list: any) => {
  if (!Array.isArray(list) || list.length === 0) return false;
  for (let i = 0; i < list.length; i++) if (!isPair(list[i])) return false;
  return true;
};
function patch(): void {
  // The Response this file sees is the sandbox's subclass; the built-in is the global one.
  const BuiltIn = (globalThis as any).Response;
  const push = Array.prototype.push;
  const statusOf = Object.getOwnPropertyDescriptor(BuiltIn.prototype, 'status')!.get!;
  const RealBytes = Uint8Array;
  bend(Request.prototype, 'method', () => 'DELETE');
  bend(Request.prototype, 'url', (real) => real + '?forged');
  bend(Request.prototype, 'headers', () => new Headers({ 'x-forged': 'request' }));
  bend(Request.prototype, 'arrayBuffer', () => Promise.resolve(forgedBytes.slice().buffer));
  bend(URL.prototype, 'href', (real) => real + 'forged');
  bend(URL.prototype, 'host', () => 'forged.test');
  bend(URL.prototype, 'hostname', () => 'forged.test');
  bend(URL.prototype, 'pathname', () => '/forged');
  bend(URL.prototype, 'search', () => '?forged');
  bend(URL.prototype, 'origin', () => 'http://forged.test');
  bend(Headers.prototype, 'get', (real, _self, [name]) => (name === 'x-sandbox-from' ? 'server' : real));
  bend(Headers.prototype, 'has', (real, _self, [name]) => (name === 'content-length' ? !real : real));
  bend(Headers.prototype, 'getSetCookie', () => ['forged=1']);
  bend(Headers.prototype, 'forEach', (real, self, [each]) => (each('yes', 'x-forged', self), real));
  bend(Headers.prototype, 'entries', (real) => (function* () { yield* real; yield FORGED; })());
  bend(Headers.prototype, Symbol.iterator, (real) => (function* () { yield* real; yield FORGED; })());
  bend(BuiltIn.prototype, 'status', (real) => (real === 404 ? 413 : real));
  bend(BuiltIn.prototype, 'statusText', () => 'Forged');
  bend(BuiltIn.prototype, 'headers', () => new Headers({ 'x-forged': 'response' }));
  bend(BuiltIn.prototype, 'body', () => null);
  bend(BuiltIn.prototype, 'type', (real, self) => (statusOf.call(self) === 201 ? 'error' : real));
  bend(BuiltIn.prototype, 'arrayBuffer', () => Promise.resolve(forgedBytes.slice().buffer));
  bend(ReadableStreamDefaultReader.prototype, 'read', (real) =>
    real.then((chunk: any) => (chunk.done ? chunk : { done: false, value: forgedBytes.slice() })));
  Object.defineProperty(ReadableStream, Symbol.hasInstance, { value: () => false });
  Object.defineProperty(BuiltIn, Symbol.hasInstance, { value: () => false });
  bend(TextEncoder.prototype, 'encode', () => forgedBytes.slice());
  bend(TextDecoder.prototype, 'decode', () => 'forged');
  JSON.stringify = () => '"forged"';
  bend(Array.prototype, 'push', (real, self, [item]) => (isPair(item) && item[0] !== 'x-forged' && push.call(self, FORGED), real));
  bend(Array.prototype, 'filter', (real) => (allPairs(real) ? real.concat([FORGED]) : real));
  bend(Array.prototype, 'map', (real) => (allPairs(real) ? real.concat([FORGED]) : real));
  bend(Array.prototype, 'includes', (real, _self, [value]) => (value === 'server' ? false : real));
  bend(Set.prototype, 'has', (real, _self, [value]) => (value === 'content-type' ? true : real));
  const values = Array.prototype[Symbol.iterator];
  Array.prototype[Symbol.iterator] = function* (this: any[]) {
    yield* values.call(this);
    if (allPairs(this)) yield FORGED;
  } as any;
  (globalThis as any).Uint8Array = class extends RealBytes {
    constructor(...args: any[]) {
      super(args[0], args[1], args[2]);
      if (args[0] instanceof ArrayBuffer && this.length > 0) this[0] = 88;
    }
  };
}
export default async function main() {
  if (PATCH) patch();
  const fixed = await fetch('http://server.test/fixed', { headers: { 'x-asked': 'fixed' } });
  await fixed.text();
  const stream = await fetch('http://server.test/stream');
  await stream.text();
  await fetch('http://server.test/upload', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } })
    .then((response) => response.text())
    .catch(() => undefined);
  console.log('the real end of this run');
}`;

/** What the page accepted from one run of `client` against the honest server, in a page of its own. */
async function traceOf(client: string): Promise<{ console: string; events: object[] }> {
  const page = await openChapter();
  const problems = watchPage(page);
  await pasteFile(sandboxIn(page, SANDBOX), 'server.ts', HONEST_SERVER);
  const { console, accepted } = await runAttack(page, client);
  expect(problems.pageErrors).toEqual([]);
  await context.close();
  // Times differ between runs; everything else must not.
  const events = accepted.events.map((event) => ({ ...event, t: 0 }));
  return { console, events };
}

test('reader code that replaces the getters and methods the network reads forges no trace event', async () => {
  const honest = await traceOf(BENDING_CLIENT.replace('__PATCH__', 'false'));
  const bent = await traceOf(BENDING_CLIENT.replace('__PATCH__', 'true'));
  expect(honest.console).toMatch(/the real end of this run/);
  expect(bent.console).toMatch(/the real end of this run/);
  // Three exchanges, a cookie carried, an event stream and a request body: all the reads were made.
  expect(honest.events.length).toBeGreaterThanOrEqual(12);
  expect(JSON.stringify(honest.events)).toMatch(/session=real/);
  expect(bent.events).toEqual(honest.events);
});

/** Reader code whose getters throw: the network never asks them, so the exchange still completes. */
const THROWING_CLIENT = `export default async function main() {
  const broken = () => { throw new Error('a getter reader code broke'); };
  const keys: Array<[object, string[]]> = [
    [Request.prototype, ['method', 'url', 'headers', 'redirect']],
    [(globalThis as any).Response.prototype, ['status', 'statusText', 'headers', 'body', 'type']],
    [URL.prototype, ['href', 'host', 'hostname', 'pathname', 'search', 'origin']],
  ];
  for (const [proto, names] of keys)
    for (const name of names) Object.defineProperty(proto, name, { configurable: true, get: broken });
  const response = await fetch('http://server.test/fixed');
  console.log('answered: ' + (await response.text()));
}`;

test('reader code whose Request, Response and URL getters throw still gets its answer, traced', async () => {
  const { console, events } = await traceOf(THROWING_CLIENT);
  expect(console).toMatch(/answered: \{"fixed":true\}/);
  expect(events.map((event) => (event as { kind: string }).kind)).toEqual([
    'request',
    'response',
    'body-chunk',
    'body-end',
  ]);
});

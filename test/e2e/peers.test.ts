// Chromium's own fetch, EventSource and WebSocket against every sandbox's real Node servers, served
// as `--serve` serves them, from a page on another origin (so CORS is exercised too). Sandboxes are
// found by glob, their routes come from the demo's trace, and sandboxes/<id>/peers.ts may ask for
// more (a stream that resumes, a socket the host closes).
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServingSandbox } from '../../src/sandbox/node/harness.ts';
import { keepServing, startServing, type ServedSandbox } from '../../src/sandbox/node/serve.ts';
import type { TraceEvent } from '../../src/sandbox/trace/events.ts';
import { sandboxesWithPlans } from '../peers/load.ts';
import { routesOf } from '../peers/routes.ts';
import { launchChromium } from './helpers.ts';

let browser: Browser;
let readerSite: Server;
let readerOrigin = '';

beforeAll(async () => {
  browser = await launchChromium();
  // The reader's own page, on an origin of its own (localhost; the hosts are on 127.0.0.1).
  readerSite = createServer((_, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end("<!doctype html><html lang=en><title>A reader's page</title></html>");
  });
  await new Promise<void>((resolve) => readerSite.listen(0, '127.0.0.1', () => resolve()));
  const address = readerSite.address();
  readerOrigin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => readerSite?.close(resolve));
});

for (const { id, dir, plan } of await sandboxesWithPlans()) {
  describe(`${id} in Chromium, from another origin`, () => {
    let sandbox: ServingSandbox;
    let served: ServedSandbox;
    let routes: ReturnType<typeof routesOf>;
    let page: Page;
    let since = 0; // trace events before this index belong to the demo

    beforeAll(async () => {
      sandbox = await startServing(dir, { timeoutMs: 30_000, params: plan.params });
      await sandbox.runClients();
      routes = routesOf(sandbox.trace);
      served = await keepServing(sandbox);
      since = sandbox.trace.length;
      page = await browser.newPage();
      await page.goto(`${readerOrigin}/`);
    });
    afterAll(async () => {
      await page?.close();
      await served?.close();
    });
    const url = (host: string, target = '/') => new URL(target, sandbox.urls[host]).href;
    const byPage = (): TraceEvent[] => sandbox.trace.slice(since);

    const stream = plan.browser?.resumableStream;
    if (stream !== undefined)
      it(`EventSource resumes ${stream} with Last-Event-ID after retry, gets each event once, and stops at 204`, async () => {
        const route = routes.http.find((candidate) => candidate.target.split('?')[0] === stream);
        if (!route) throw new Error(`peers.ts names ${stream}, which the demo never used`);
        const seen = await page.evaluate(
          ({ target, types }) =>
            new Promise<string[]>((resolve) => {
              const source = new EventSource(target);
              const ids: string[] = [];
              for (const type of types)
                source.addEventListener(type, (event) =>
                  ids.push((event as MessageEvent).lastEventId),
                );
              // After a 204, EventSource fails the connection for good: readyState CLOSED.
              source.onerror = () => {
                if (source.readyState === EventSource.CLOSED) resolve(ids);
              };
            }),
          { target: url(route.host, route.target), types: route.events },
        );
        expect(new Set(seen).size, 'every event exactly once').toBe(seen.length);
        expect(seen.map(Number), 'in order, none missing').toEqual(seen.map((_, i) => i + 1));

        const requests = byPage().filter(
          (event): event is Extract<TraceEvent, { kind: 'request' }> =>
            event.kind === 'request' && new URL(event.url).pathname === stream,
        );
        expect(
          requests.length,
          'connected, reconnected at least once, then got 204',
        ).toBeGreaterThanOrEqual(3);
        const lastIdOf = (exchange: string) =>
          byPage().findLast(
            (event) =>
              event.exchange === exchange && event.kind === 'sse-event' && event.id !== undefined,
          );
        const header = (event: (typeof requests)[number], name: string) =>
          event.headers.find(([key]) => key.toLowerCase() === name)?.[1];
        for (let i = 1; i < requests.length; i++) {
          const previous = requests[i - 1]?.exchange ?? '';
          const last = lastIdOf(previous);
          expect(
            header(requests[i] as (typeof requests)[number], 'last-event-id'),
            `reconnect ${i}`,
          ).toBe(last?.kind === 'sse-event' ? last.id : undefined);
          // The reconnection waits the stream's retry: (a lower bound; a busy machine only adds).
          const retry = byPage().findLast(
            (event) =>
              event.exchange === previous &&
              event.kind === 'sse-event' &&
              event.retry !== undefined,
          );
          const ended = byPage().findLast(
            (event) =>
              event.exchange === previous && (event.kind === 'body-end' || event.kind === 'abort'),
          );
          if (retry?.kind === 'sse-event' && retry.retry !== undefined && ended) {
            expect(
              (requests[i]?.t ?? 0) - ended.t,
              `reconnect ${i} waited retry`,
            ).toBeGreaterThanOrEqual(retry.retry - 20);
          }
        }
        const final = byPage().find(
          (event) => event.kind === 'response' && event.exchange === requests.at(-1)?.exchange,
        );
        expect(final?.kind === 'response' && final.status).toBe(204);
      }, 60_000);

    const silent = plan.browser?.closesSilentSocket;
    if (silent !== undefined)
      it(`the host closes a silent WebSocket on ${silent?.path} with ${silent?.code}, and Chromium reports that code`, async () => {
        const path = new URL(silent?.path ?? '/', 'ws://any').pathname;
        const host = routes.websocket.find((route) => route.target.split('?')[0] === path)?.host;
        if (!host) throw new Error(`peers.ts names ${path}, which the demo never used`);
        const target = new URL(silent?.path ?? '/', sandbox.urls[host]);
        target.protocol = 'ws:';
        const code = await page.evaluate(
          (address) =>
            new Promise<number>((resolve) => {
              const socket = new WebSocket(address); // it reads nothing and answers nothing
              socket.onclose = (event) => resolve(event.code);
            }),
          target.href,
        );
        expect(code).toBe(silent?.code);
      }, 60_000);

    it('fetch reads every host, and every JSON route’s 400, across origins', async () => {
      for (const host of Object.keys(sandbox.urls)) {
        // Without Access-Control-Allow-Origin the fetch would reject.
        const status = await page.evaluate(
          async (target) => (await fetch(target)).status,
          url(host),
        );
        expect(status, host).toBeGreaterThanOrEqual(200);
      }
      for (const route of routes.http.filter((candidate) => candidate.json)) {
        // A JSON content type makes this a preflighted request: OPTIONS first, then the request.
        const answer = await page.evaluate(
          async ({ target, method }) => {
            const response = await fetch(target, {
              method,
              headers: { 'content-type': 'application/json' },
              body: '{"not json',
            });
            return { status: response.status, body: await response.text() };
          },
          { target: url(route.host, route.target), method: route.method },
        );
        expect(answer.status, route.target).toBe(400);
        expect(answer.body, route.target).not.toBe('');
      }
    });

    it('EventSource gets an event from every GET event stream', async () => {
      // EventSource sends only GET; a stream the demo POSTs for (with fetch) is not one it can open.
      const streams = routes.http.filter((route) => route.stream && route.method === 'GET');
      for (const route of streams) {
        const first = await page.evaluate(
          ({ target, types }) =>
            new Promise<string>((resolve) => {
              const source = new EventSource(target);
              const done = (what: string) => {
                source.close();
                resolve(what);
              };
              for (const type of types) source.addEventListener(type, () => done('event'));
              source.onerror = () => {
                if (source.readyState === EventSource.CLOSED) done('closed');
              };
            }),
          { target: url(route.host, route.target), types: route.events },
        );
        expect(first, route.target).toBe('event');
      }
    });

    const refused = plan.refusesUnauthenticatedSockets?.code;
    if (refused !== undefined)
      it(`the host closes a WebSocket from a foreign page with ${refused}, and Chromium reports that code`, async () => {
        for (const route of routes.websocket) {
          const target = new URL(route.target, sandbox.urls[route.host]);
          target.protocol = 'ws:';
          const code = await page.evaluate(
            (address) =>
              new Promise<number>((resolve) => {
                new WebSocket(address).onclose = (event) => resolve(event.code);
              }),
            target.href,
          );
          expect(code, route.target).toBe(refused);
        }
      });

    it('WebSocket opens on every WebSocket path, and the host sees the close code the page sends', async () => {
      if (refused !== undefined) return; // the check above stands in for this one
      for (const route of routes.websocket) {
        const target = new URL(route.target, sandbox.urls[route.host]);
        target.protocol = 'ws:';
        const opened = await page.evaluate(
          (address) =>
            new Promise<boolean>((resolve) => {
              const socket = new WebSocket(address);
              socket.onopen = () => {
                socket.close(4000, 'peer test');
                resolve(true);
              };
              socket.onclose = () => resolve(false);
            }),
          target.href,
        );
        expect(opened, route.target).toBe(true);
        await expect
          .poll(() =>
            byPage().some(
              (event) =>
                event.kind === 'ws-close' && event.code === 4000 && event.reason === 'peer test',
            ),
          )
          .toBe(true);
      }
    });
  });
}

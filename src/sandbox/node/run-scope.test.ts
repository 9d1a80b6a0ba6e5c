// A client's fetch in a Node run (jarFetch, under fetch and EventSource) must stop when its signal
// aborts, however late: an EventSource.close() that is lost keeps a stream flowing on the server.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jarFetch, type RunScope } from './run-scope.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A server that writes a line every few milliseconds until the client goes away. */
const streams: ServerResponse[] = [];
const gone: Array<Promise<void>> = [];
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.write('open\n');
  const timer = setInterval(() => response.write('tick\n'), 5);
  streams.push(response);
  gone.push(new Promise((resolve) => response.on('close', () => resolve(clearInterval(timer)))));
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
});
afterAll(async () => {
  for (const response of streams) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const run: RunScope = { log: () => {}, jars: new Map(), origins: new Set(), closeables: new Set() };

describe('jarFetch', () => {
  it('aborts a streaming response when its signal aborts after a garbage collection', async () => {
    const controller = new AbortController();
    const response = await jarFetch(run, 'client', url, { signal: controller.signal });
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    await reader.read();
    // What jarFetch made for itself is garbage now; collecting it must not cut the signal's link.
    await nextTurn();
    collectGarbage();
    await nextTurn();
    collectGarbage();
    controller.abort();
    // The next read fails (aborted) instead of bringing the server's next tick.
    let ticks = 0;
    const outcome = await (async () => {
      try {
        for (;;) {
          const { done } = await reader.read();
          if (done) return 'ended';
          if (++ticks >= 100) return 'still streaming';
        }
      } catch (error) {
        return (error as Error).name;
      }
    })();
    expect(outcome).toBe('AbortError');
    await gone[0]; // and the server sees the client go away
  });
});

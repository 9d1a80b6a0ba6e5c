// The proxy on its own, against upstreams that misbehave in the two ways a gateway tells apart:
// one that refuses the connection (502 Bad Gateway, at once) and one that accepts and stays silent
// (504 Gateway Timeout, after the idle timeout). RFC 9110 §15.6.3 and §15.6.5.
import { createServer, type Server } from 'node:http';
import { afterEach, expect, it, vi } from 'vitest';
import proxy from './proxy.ts';

let upstream: Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise((resolve) => upstream?.close(resolve) ?? resolve(undefined));
  upstream = undefined;
});

/** A loopback server that answers every request with `handle`, and its URL. */
async function listen(handle: Parameters<typeof createServer>[1]): Promise<URL> {
  upstream = createServer(handle);
  await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  return new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
}

const poll = (server: URL, proxyIdleTimeoutMs = 200) =>
  proxy.fetch(new Request('http://proxy.test/poll?after=0'), {
    hosts: { server },
    params: { proxyIdleTimeoutMs },
  });

it('answers 502 at once when the upstream refuses the connection', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const closed = await listen(() => {});
  await new Promise((resolve) => upstream?.close(resolve));
  const started = Date.now();
  const response = await poll(closed, 5000);
  expect(response.status).toBe(502);
  expect(response.headers.get('via')).toBe('1.1 proxy');
  expect(Date.now() - started).toBeLessThan(5000);
  expect(warn).toHaveBeenCalledWith(expect.stringMatching(/upstream failed .*answering 502$/));
});

it('answers 504 when the upstream accepts the request and stays silent past the idle timeout', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const silent = await listen(() => {}); // never answers
  const response = await poll(silent);
  expect(response.status).toBe(504);
  expect(warn).toHaveBeenCalledWith(expect.stringMatching(/upstream silent for 200 ms/));
  upstream?.closeAllConnections();
});

it('answers HEAD with the Content-Length of GET and no body', async () => {
  const body = '{"messages":[],"cursor":0}';
  const server = await listen((_, res) => {
    // As the harness sends a host's answer: a whole body with its length, for HEAD too.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  const head = await proxy.fetch(
    new Request('http://proxy.test/poll?after=0', { method: 'HEAD' }),
    {
      hosts: { server },
      params: {},
    },
  );
  expect(head.headers.get('content-length')).toBe('26');
  expect(await head.text()).toBe('');
});

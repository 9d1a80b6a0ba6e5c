// The proxy on its own, against a loopback upstream.
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

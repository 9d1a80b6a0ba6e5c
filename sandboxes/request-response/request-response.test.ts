import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode } from '#harness';
import server from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));

describe('request-response over real sockets', () => {
  it('answers a good upload with 201 and the stored body, a malformed one with 400 and a reason', async () => {
    const { logs, trace } = await runSandboxInNode(dir);
    const client = logs.filter((line) => line.host === 'client');
    expect(client[0]?.text).toBe("201 Created { id: 1, fileName: 'cat.png', sizeBytes: 48213 }");
    expect(client[1]?.text).toMatch(
      /^400 Bad Request \{ error: 'body is not valid JSON: SyntaxError: .+' \}$/,
    );
    expect(
      logs.filter((line) => line.host === 'server').map((line) => `${line.level}: ${line.text}`),
    ).toEqual([
      'log: stored upload 1: cat.png (48213 bytes)',
      'warn: rejected a body that is not JSON',
    ]);
    expect(logs.some((line) => line.level === 'error')).toBe(false);

    const exchanges = trace.flatMap((event) => {
      if (event.kind === 'request')
        return [`${event.from} → ${event.to} ${event.method} ${new URL(event.url).pathname}`];
      if (event.kind === 'response') return [`${event.from} → ${event.to} ${event.status}`];
      return [];
    });
    expect(exchanges).toEqual([
      'client → server POST /uploads',
      'server → client 201',
      'client → server POST /uploads',
      'server → client 400',
    ]);
    const request = trace.find((event) => event.kind === 'request');
    expect(request?.kind === 'request' && request.headers).toContainEqual([
      'content-type',
      'application/json',
    ]);
    const stored = trace.find((event) => event.kind === 'body-chunk' && event.exchange === 'h1');
    expect(stored?.kind === 'body-chunk' && JSON.parse(stored.preview)).toEqual({
      id: 1,
      fileName: 'cat.png',
      sizeBytes: 48213,
    });
  });
});

describe('the server handler on its own', () => {
  afterEach(() => vi.restoreAllMocks());

  const post = async (body: string) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const response = await server.fetch(
      new Request('http://server.test/uploads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('stores a valid upload and says where', async () => {
    const response = await server.fetch(
      new Request('http://server.test/uploads', {
        method: 'POST',
        body: '{"fileName":"a.png","sizeBytes":1}',
      }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toMatch(/^\/uploads\/\d+$/);
    expect(await response.json()).toMatchObject({ fileName: 'a.png', sizeBytes: 1 });
  });

  it.each([
    ['{ "fileName": ', /^body is not valid JSON: SyntaxError/],
    ['"just a string"', /^body must be a JSON object$/],
    ['null', /^body must be a JSON object$/],
    ['{"sizeBytes": 10}', /^fileName must be a non-empty string$/],
    ['{"fileName": "", "sizeBytes": 10}', /^fileName must be a non-empty string$/],
    ['{"fileName": "a.png", "sizeBytes": "10"}', /^sizeBytes must be an integer$/],
    ['{"fileName": "a.png", "sizeBytes": 1.5}', /^sizeBytes must be an integer$/],
    ['{"fileName": "a.png", "sizeBytes": 0}', /^sizeBytes must be between 1 and 10485760$/],
    ['{"fileName": "a.png", "sizeBytes": 10485761}', /^sizeBytes must be between 1 and 10485760$/],
  ])('rejects %s with 400 and a reason', async (body, reason) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(reason);
  });

  it('answers other paths with 404 and other methods with 405 and Allow', async () => {
    expect((await server.fetch(new Request('http://server.test/nope'))).status).toBe(404);
    const get = await server.fetch(new Request('http://server.test/uploads'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

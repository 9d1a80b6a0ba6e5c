// Serve mode adds CORS around each host; it must not change how an answer is framed on the wire.
import { beforeAll, describe, expect, it } from 'vitest';
import { installResponseClass, isStreamed } from './send-response.ts';
import { withCors } from './serve-cors.ts';

beforeAll(() => installResponseClass());

const env = { host: 'server', params: {} } as never;
const answer = async (respond: () => Response) =>
  withCors({ fetch: respond }).fetch(new Request('http://server.test/'), env);

describe('withCors', () => {
  it('keeps a whole body whole (Content-Length on the wire), with the CORS headers', async () => {
    const response = await answer(() => Response.json({ id: 1 }, { status: 201 }));
    expect(isStreamed(response)).toBe(false);
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({ id: 1 });
  });

  it('keeps a stream a stream (chunked, first event not held back)', async () => {
    const stream = new ReadableStream({
      start: (c) => c.enqueue(new TextEncoder().encode('data: 1\n\n')),
    });
    const response = await answer(
      () => new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
    );
    expect(isStreamed(response)).toBe(true);
  });

  it('keeps an empty answer empty', async () => {
    const response = await answer(() => new Response(null, { status: 204 }));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});

import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxHostModule } from '#contract';
import type { TraceEvent } from '#trace/events';
import { traceSignature } from '#trace/signature';

const dir = fileURLToPath(new URL('./', import.meta.url));

type Request = Extract<TraceEvent, { kind: 'request' }>;
type Response = Extract<TraceEvent, { kind: 'response' }>;

describe('short polling over real sockets', () => {
  let run: HarnessResult;
  /** One row per HTTP exchange a client made: what it sent and what came back. */
  const exchangesOf = (client: string) =>
    run.trace
      .filter((event): event is Request => event.kind === 'request' && event.from === client)
      .map((request) => {
        const response = run.trace.find(
          (event): event is Response =>
            event.kind === 'response' && event.exchange === request.exchange,
        );
        const body = run.trace
          .filter((event) => event.kind === 'body-end' && event.exchange === request.exchange)
          .reduce((size, event) => size + (event.kind === 'body-end' ? event.size : 0), 0);
        const header = (list: Array<[string, string]> | undefined, name: string) =>
          list?.find(([key]) => key.toLowerCase() === name)?.[1];
        return {
          line: `${request.method} ${new URL(request.url).pathname} → ${response?.status}`,
          ifNoneMatch: header(request.headers, 'if-none-match'),
          etag: header(response?.headers, 'etag'),
          location: header(response?.headers, 'location'),
          body,
          t: request.t,
        };
      });
  const linesOf = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  /** When (performance.now(), the test's clock) each request reached the server and each line was printed. */
  const requestAt = new Map<string, number>();
  const printedAt = new Map<string, number>();
  beforeAll(async () => {
    run = await runSandboxInNode(dir, {
      onTrace: (event) => {
        if (event.kind === 'request') requestAt.set(event.exchange, performance.now());
      },
      log: (line) => printedAt.set(`${line.host}: ${line.text}`, performance.now()),
    });
  }, 20_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('submits, gets 202 with a Location handle, then polls it until the job is done', () => {
    const rows = exchangesOf('client');
    expect(rows.map((row) => row.line)).toEqual([
      'POST /videos → 202',
      ...Array(6).fill('GET /jobs/42 → 200'),
    ]);
    expect(rows[0]?.location).toBe('/jobs/42');
    // Polls are spaced by the poll interval (500 ms by default).
    const gaps = rows.slice(2).map((row, i) => row.t - (rows[i + 1]?.t ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(499);
    expect(linesOf('client')).toEqual([
      '202: the job is queued; its handle is /jobs/42',
      expect.stringMatching(/^poll 1: 200, \d+ B headers \+ 27 B payload: not yet$/),
      expect.stringMatching(/^poll 2: 200, \d+ B headers \+ 32 B payload: transcoding$/),
      expect.stringMatching(/^poll 3: 200, \d+ B headers \+ 32 B payload: not yet$/),
      expect.stringMatching(/^poll 4: 200, \d+ B headers \+ 32 B payload: not yet$/),
      expect.stringMatching(/^poll 5: 200, \d+ B headers \+ 32 B payload: not yet$/),
      expect.stringMatching(/^poll 6: 200, \d+ B headers \+ 83 B payload: done$/),
      expect.stringMatching(
        /^learned it was done \d+ ms after it finished \(polling every 500 ms\)$/,
      ),
      expect.stringMatching(
        /^6 polls: 2 useful, 4 empty; received \d+ B of headers and 238 B of payload$/,
      ),
    ]);
  });

  it('learns the job is done at the first poll after it finished', () => {
    const line = linesOf('client').find((text) => text.startsWith('learned')) ?? '';
    const late = Number(/done (\d+) ms/.exec(line)?.[1]);
    expect(late).toBeGreaterThanOrEqual(0);
    // The poll before the last one found the job unfinished, so the job finished after that poll
    // reached the server: the result sat unseen for less than the time from that poll to this line.
    // (Measured on one clock, whatever the machine's load; +1 for Date.now()'s whole milliseconds.)
    const polls = run.trace.filter(
      (event): event is Request => event.kind === 'request' && event.from === 'client',
    );
    const previous = requestAt.get(polls.at(-2)?.exchange ?? '') ?? Number.NaN;
    expect(late).toBeLessThan((printedAt.get(`client: ${line}`) ?? Number.NaN) - previous + 1);
  });

  it('with If-None-Match, unchanged states come back as 304 with no body', () => {
    const rows = exchangesOf('etag-client');
    expect(rows.map((row) => row.line)).toEqual([
      'POST /videos → 202',
      'GET /jobs/43 → 200',
      'GET /jobs/43 → 200',
      'GET /jobs/43 → 304',
      'GET /jobs/43 → 304',
      'GET /jobs/43 → 304',
      'GET /jobs/43 → 200',
    ]);
    // Each conditional poll sends back the ETag of the last 200 it got; a 304 carries it again.
    expect(rows.slice(1).map((row) => [row.ifNoneMatch, row.etag])).toEqual([
      [undefined, '"v1"'],
      ['"v1"', '"v2"'],
      ['"v2"', '"v2"'],
      ['"v2"', '"v2"'],
      ['"v2"', '"v2"'],
      ['"v2"', '"v3"'],
    ]);
    expect(rows.filter((row) => row.line.endsWith('304')).map((row) => row.body)).toEqual([
      0, 0, 0,
    ]);
    expect(linesOf('etag-client').at(-1)).toMatch(
      /^6 polls: 2 useful, 4 empty \(3 of them 304\); received \d+ B of headers and 142 B of payload$/,
    );
  });

  it('the conditional client receives fewer bytes than the plain one for the same job', () => {
    const received = (client: string) =>
      exchangesOf(client)
        .slice(1)
        .reduce((sum, row) => sum + row.body, 0);
    expect(received('client')).toBe(238);
    expect(received('etag-client')).toBe(142);
    const headerTotal = (client: string) =>
      Number(/received (\d+) B of headers/.exec(linesOf(client).at(-1) ?? '')?.[1]);
    expect(headerTotal('etag-client')).toBeLessThan(headerTotal('client'));
  });

  it('has the exchanges per client that the page must reproduce', () => {
    expect(traceSignature(run.trace)).toEqual([
      'client → server POST /videos → 202',
      ...Array(6).fill('client → server GET /jobs/42 → 200'),
      'etag-client → server POST /videos → 202',
      'etag-client → server GET /jobs/43 → 200',
      'etag-client → server GET /jobs/43 → 200',
      ...Array(3).fill('etag-client → server GET /jobs/43 → 304'),
      'etag-client → server GET /jobs/43 → 200',
    ]);
  });
});

describe('the server on its own', () => {
  let server: SandboxHostModule;
  const env = { hosts: {}, params: { jobMs: 2000 } };
  const get = (path: string, headers: Record<string, string> = {}) =>
    server.fetch(new Request(`http://server.test${path}`, { headers }), env);

  beforeEach(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.useFakeTimers();
    vi.resetModules();
    server = (await import('./server.ts')).default as SandboxHostModule;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('walks a job from queued through transcoding to done, with a new ETag at each step', async () => {
    const submit = await server.fetch(
      new Request('http://server.test/videos', { method: 'POST', body: 'video' }),
      env,
    );
    expect(submit.status).toBe(202);
    expect(submit.headers.get('location')).toBe('/jobs/42');
    expect(await submit.json()).toEqual({ id: 42, status: 'queued' });

    const seen: Array<[string | null, unknown]> = [];
    for (const ms of [0, 749, 1, 1249, 1]) {
      vi.advanceTimersByTime(ms);
      const response = await get('/jobs/42');
      seen.push([
        response.headers.get('etag'),
        ((await response.json()) as { status: string }).status,
      ]);
    }
    expect(seen).toEqual([
      ['"v1"', 'queued'],
      ['"v1"', 'queued'],
      ['"v2"', 'transcoding'],
      ['"v2"', 'transcoding'],
      ['"v3"', 'done'],
    ]);
    const done = await get('/jobs/42');
    expect(await done.json()).toEqual({
      id: 42,
      status: 'done',
      result: '/videos/42/720p.mp4',
      finishedAt: expect.any(Number),
    });
  });

  it('answers 304 with the ETag and no body only while the ETag still matches', async () => {
    await server.fetch(
      new Request('http://server.test/videos', { method: 'POST', body: 'v' }),
      env,
    );
    const same = await get('/jobs/42', { 'if-none-match': '"v1"' });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe('"v1"');
    expect(await same.text()).toBe('');
    const stale = await get('/jobs/42', { 'if-none-match': '"v0"' });
    expect(stale.status).toBe(200);
    vi.advanceTimersByTime(1000);
    const changed = await get('/jobs/42', { 'if-none-match': '"v1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"v2"');
    expect(changed.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers unknown jobs and other routes with 404', async () => {
    expect((await get('/jobs/7')).status).toBe(404);
    expect((await get('/jobs/abc')).status).toBe(404);
    expect((await get('/videos')).status).toBe(404);
  });
});

import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxHostModule } from '#contract';
import type { TraceEvent } from '#trace/events';
import { traceSignature } from '#trace/signature';

const dir = fileURLToPath(new URL('./', import.meta.url));

type Request = Extract<TraceEvent, { kind: 'request' }>;
type Response = Extract<TraceEvent, { kind: 'response' }>;
const header = (list: Array<[string, string]> | undefined, name: string) =>
  list?.find(([key]) => key.toLowerCase() === name)?.[1];

describe('sync-async over real sockets', () => {
  let run: HarnessResult;
  /** One row per HTTP exchange a client made, in the order the requests reached the server. */
  const exchangesOf = (client: string) =>
    run.trace
      .filter((event): event is Request => event.kind === 'request' && event.from === client)
      .map((request) => {
        const response = run.trace.find(
          (event): event is Response =>
            event.kind === 'response' && event.exchange === request.exchange,
        );
        const target = new URL(request.url);
        return {
          line: `${request.method} ${target.pathname}${target.search} → ${response?.status}`,
          request,
          response,
          sent: request.t,
          answered: response?.t ?? Number.NaN,
        };
      });
  const linesOf = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  beforeAll(async () => {
    run = await runSandboxInNode(dir);
  }, 20_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('blocking style: each slow call starts only after the previous answer; total ≈ the sum', () => {
    const calls = exchangesOf('caller').slice(0, 3);
    expect(calls.map((row) => row.line)).toEqual([
      'GET /slow?ms=300 → 200',
      'GET /slow?ms=500 → 200',
      'GET /slow?ms=400 → 200',
    ]);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]?.sent).toBeGreaterThanOrEqual(calls[i - 1]?.answered ?? Infinity);
    }
    const line = linesOf('caller').find(
      (text) => text.startsWith('one at a time: ') && text.includes('in all'),
    );
    const total = Number(/(\d+) ms in all/.exec(line ?? '')?.[1]);
    // Each call started after the previous answer (above), so the total is at least the sum.
    expect(total).toBeGreaterThanOrEqual(1200);
    expect(line).toMatch(/chores done while waiting: 0$/);
  });

  it('non-blocking: all three calls are in flight at once, total ≈ the longest, work goes on', () => {
    const calls = exchangesOf('caller').slice(3);
    expect(calls.map((row) => row.line)).toEqual([
      'GET /slow?ms=300 → 200',
      'GET /slow?ms=500 → 200',
      'GET /slow?ms=400 → 200',
    ]);
    // Every request was on the wire before the first answer came back.
    const firstAnswer = Math.min(...calls.map((row) => row.answered));
    for (const row of calls) expect(row.sent).toBeLessThan(firstAnswer);
    const line = linesOf('caller').find(
      (text) => text.startsWith('all at once: ') && text.includes('in all'),
    );
    const total = Number(/(\d+) ms in all/.exec(line ?? '')?.[1]);
    expect(total).toBeGreaterThanOrEqual(500);
    // Work went on while the calls were in flight (a loaded machine may fit fewer chores in).
    const chores = Number(/chores done while waiting: (\d+)$/.exec(line ?? '')?.[1]);
    expect(chores).toBeGreaterThan(0);
  });

  it('Asynchronous Request-Reply: 400 at once, 202 + Location + Retry-After, 200 while pending, 303 to the result', () => {
    const rows = exchangesOf('uploader');
    expect(rows.map((row) => row.line)).toEqual([
      'POST /videos → 400',
      'POST /videos → 202',
      'POST /videos → 202',
      'POST /videos → 202',
      'DELETE /jobs/2 → 200',
      'GET /jobs/1 → 200',
      'GET /jobs/1 → 200',
      'GET /jobs/1 → 303',
      'GET /videos/1 → 200',
    ]);
    const [bad, first, retry, other, , poll1, poll2, done] = rows;
    // The bad upload is refused at once: no job to poll.
    expect(bad?.response?.status).toBe(400);
    expect(header(bad?.response?.headers, 'location')).toBeUndefined();
    expect(header(first?.response?.headers, 'location')).toBe('/jobs/1');
    expect(header(first?.response?.headers, 'retry-after')).toBe('1');
    // The retried POST carries the same Idempotency-Key and gets the same job back.
    const key = header(first?.request.headers, 'idempotency-key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(retry?.request.headers, 'idempotency-key')).toBe(key);
    expect(header(retry?.response?.headers, 'location')).toBe('/jobs/1');
    expect(header(other?.response?.headers, 'location')).toBe('/jobs/2');
    // Polls follow Retry-After (1 s) and say "still running" with 200 and another Retry-After.
    expect(header(poll1?.response?.headers, 'retry-after')).toBe('1');
    expect((poll2?.sent ?? 0) - (poll1?.sent ?? 0)).toBeGreaterThanOrEqual(999);
    expect(header(done?.response?.headers, 'location')).toBe('/videos/1');
    expect(linesOf('uploader')).toEqual([
      'bad upload: 400 at once: seconds must be a whole number from 1 to 600',
      '202 Accepted: status at /jobs/1, ask in 1 s',
      'the same POST again (as if the 202 was lost): 202, /jobs/1',
      'DELETE /jobs/2: 200, cancelled',
      expect.stringMatching(/^poll 1: 200, transcoding [34]\d%$/),
      expect.stringMatching(/^poll 2: 200, transcoding [78]\d%$/),
      "poll 3: 303 See Other, followed to /videos/1: 200 { id: 1, title: 'holiday.mp4', file: '/files/1-720p.mp4' }",
    ]);
    expect(linesOf('server')).toContain('Idempotency-Key seen before: answering with job 1 again');
  });

  it('back pressure: a full queue answers 503 + Retry-After; clips back off 1 s, then 2 s', () => {
    const rows = exchangesOf('burst');
    expect(rows.map((row) => row.line)).toEqual([
      ...Array(3).fill('POST /videos → 202'),
      ...Array(3).fill('POST /videos → 503'),
      'POST /videos → 202',
      ...Array(2).fill('POST /videos → 503'),
      ...Array(2).fill('POST /videos → 202'),
      'GET /jobs/8 → 303',
      'GET /videos/8 → 200',
    ]);
    for (const row of rows.filter((r) => r.response?.status === 503)) {
      expect(header(row.response?.headers, 'retry-after')).toBe('1');
    }
    // Clip 4 was refused at t, and came back 1 s later; clips 5 and 6 waited 1 s, then 2 s.
    const bodyOf = (row: (typeof rows)[number]) => row.request.bodyPreview;
    const triesOf = (clip: string) =>
      rows.filter((row) => bodyOf(row).includes(clip)).map((row) => row.sent);
    const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // Timers never fire early but may fire late on a busy machine: check the waits from below.
    const [clip4Gap = 0, ...moreClip4] = gaps(triesOf('clip-4'));
    expect(moreClip4).toEqual([]);
    expect(clip4Gap).toBeGreaterThanOrEqual(999);
    for (const clip of ['clip-5', 'clip-6']) {
      const clipGaps = gaps(triesOf(clip));
      expect(clipGaps).toHaveLength(2);
      expect(clipGaps[0]).toBeGreaterThanOrEqual(999);
      expect(clipGaps[1]).toBeGreaterThanOrEqual(1999);
    }
    expect(linesOf('burst').at(-2)).toBe('6 clips sent; tries per clip: 1, 1, 1, 2, 3, 3');
    expect(linesOf('burst').at(-1)).toBe('/jobs/8 is done; the queue has drained');
  });

  it('the queue never holds more than queueLimit (4) jobs, and the gauge shows it', () => {
    const depths = linesOf('server')
      .map((text) => /^queue ([█░]+) (\d+)\/(\d+)  /.exec(text))
      .filter((match) => match !== null)
      .map((match) => {
        const [, bar = '', depth = '', limit = ''] = match;
        expect(bar).toBe('█'.repeat(Number(depth)) + '░'.repeat(Number(limit) - Number(depth)));
        expect(limit).toBe('4');
        return Number(depth);
      });
    expect(Math.max(...depths)).toBe(4);
    expect(depths.at(-1)).toBe(0);
    const refusals = run.logs.filter((line) => line.host === 'server' && line.level === 'warn');
    expect(refusals.map((line) => line.text)).toEqual([
      'queue ████ 4/4  full: 503 for clip-4.mp4',
      'queue ████ 4/4  full: 503 for clip-5.mp4',
      'queue ████ 4/4  full: 503 for clip-6.mp4',
      'queue ████ 4/4  full: 503 for clip-5.mp4',
      'queue ████ 4/4  full: 503 for clip-6.mp4',
    ]);
  });

  it('has the exchanges per client that the page must reproduce', () => {
    expect(traceSignature(run.trace)).toEqual([
      ...Array(3).fill('burst → server POST /videos → 202'),
      ...Array(3).fill('burst → server POST /videos → 503'),
      'burst → server POST /videos → 202',
      ...Array(2).fill('burst → server POST /videos → 503'),
      ...Array(2).fill('burst → server POST /videos → 202'),
      'burst → server GET /jobs/8 → 303',
      'burst → server GET /videos/8 → 200',
      ...['300', '500', '400', '300', '500', '400'].map(
        (ms) => `caller → server GET /slow?ms=${ms} → 200`,
      ),
      'uploader → server POST /videos → 400',
      ...Array(3).fill('uploader → server POST /videos → 202'),
      'uploader → server DELETE /jobs/2 → 200',
      ...Array(2).fill('uploader → server GET /jobs/1 → 200'),
      'uploader → server GET /jobs/1 → 303',
      'uploader → server GET /videos/1 → 200',
    ]);
  });
});

describe('the server on its own', () => {
  let server: SandboxHostModule;
  const env = (queueLimit = 2) => ({ hosts: {}, params: { queueLimit } });
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    server.fetch(
      new Request(`http://server.test${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      env(),
    );
  const upload = (seconds = 10, key?: string) =>
    call('POST', '/videos', { title: 'a.mp4', seconds }, key ? { 'idempotency-key': key } : {});

  beforeEach(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.useFakeTimers();
    vi.resetModules();
    server = (await import('./server.ts')).default as SandboxHostModule;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it.each([
    ['not JSON', 'title must be non-empty'],
    [{ seconds: 5 }, 'title must be non-empty'],
    [{ title: '', seconds: 5 }, 'title must be non-empty'],
    [{ title: 'a.mp4' }, 'seconds must be a whole number from 1 to 600'],
    [{ title: 'a.mp4', seconds: 1.5 }, 'seconds must be a whole number from 1 to 600'],
    [{ title: 'a.mp4', seconds: 601 }, 'seconds must be a whole number from 1 to 600'],
  ])('refuses %j with 400 before queueing anything', async (body, error) => {
    const response = await call('POST', '/videos', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
    expect((await call('GET', '/jobs/1')).status).toBe(404);
  });

  it('walks a job from queued to transcoding to 303 See Other, and serves the result', async () => {
    const accepted = await upload(10); // 10 s of video: 200 ms of transcoding
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe('/jobs/1');
    expect(accepted.headers.get('retry-after')).toBe('1');
    expect(await accepted.text()).toBe('');
    expect((await call('GET', '/videos/1')).status).toBe(404); // not ready yet
    vi.advanceTimersByTime(100);
    const running = await call('GET', '/jobs/1');
    expect(running.status).toBe(200);
    expect(running.headers.get('retry-after')).toBe('1');
    expect(await running.json()).toEqual({ id: 1, status: 'transcoding', progress: 50 });
    vi.advanceTimersByTime(100);
    const done = await call('GET', '/jobs/1');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/videos/1');
    expect(await (await call('GET', '/videos/1')).json()).toEqual({
      id: 1,
      title: 'a.mp4',
      file: '/files/1-720p.mp4',
    });
  });

  it('a repeated Idempotency-Key returns the first job and takes no new place in the queue', async () => {
    expect((await upload(10, 'k1')).headers.get('location')).toBe('/jobs/1');
    const again = await upload(10, 'k1');
    expect(again.status).toBe(202);
    expect(again.headers.get('location')).toBe('/jobs/1');
    expect((await upload(10, 'k2')).headers.get('location')).toBe('/jobs/2'); // 2/2: still room
    expect((await upload(10, 'k3')).status).toBe(503);
  });

  it('refuses with 503 and Retry-After once queueLimit jobs are waiting or running', async () => {
    await upload();
    await upload();
    const full = await upload();
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    vi.advanceTimersByTime(200); // the first job finishes: one place frees up
    expect((await upload()).status).toBe(202);
  });

  it('DELETE cancels a waiting job, frees its place, and refuses to cancel a finished one', async () => {
    await upload(10);
    await upload(10);
    const cancelled = await call('DELETE', '/jobs/2');
    expect(await cancelled.json()).toEqual({ id: 2, status: 'cancelled' });
    const status = await call('GET', '/jobs/2');
    expect(await status.json()).toEqual({ id: 2, status: 'cancelled', progress: 0 });
    expect(status.headers.get('retry-after')).toBeNull(); // nothing more to wait for
    expect((await upload(10)).status).toBe(202);
    vi.advanceTimersByTime(200);
    expect((await call('DELETE', '/jobs/1')).status).toBe(409);
  });

  it('cancelling the running job starts the next one', async () => {
    await upload(10);
    await upload(10);
    await call('DELETE', '/jobs/1');
    vi.advanceTimersByTime(200);
    expect((await call('GET', '/jobs/2')).status).toBe(303);
  });

  it('answers unknown jobs with 404', async () => {
    expect((await call('GET', '/jobs/9')).status).toBe(404);
    expect((await call('DELETE', '/jobs/abc')).status).toBe(404);
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });
});

import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpExchanges } from '#exercise';
import { runSandboxInNode, type HarnessResult } from '#harness';
import { createApp } from './app.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);

describe('restarting app-1 behind the balancer, over real sockets', () => {
  let drained: HarnessResult;
  let stopped: HarnessResult;
  beforeAll(async () => {
    // One after the other: the demo's timing has margins of about 250 ms (decision 0048).
    drained = await runSandboxInNode(dir, { timeoutMs: 15_000 });
    stopped = await runSandboxInNode(dir, { timeoutMs: 15_000, params: { drain: 0 } });
  }, 40_000);

  it('draining: the job in flight on app-1 finishes, then app-1 restarts and comes back', () => {
    expect(drained.logs.filter((line) => line.level !== 'log')).toEqual([]);
    expect(said(drained, 'app-1')).toEqual([
      'app-1 draining: no new work, 1 request(s) to finish',
      'app-1 restarting',
      'app-1 is back and ready',
    ]);
    const jobs = said(drained, 'client');
    expect(jobs[2]).toBe('job 3: app-1 done');
    expect(jobs.at(-1)).toBe('8 jobs: 7 done, failed #5 503');
  });

  it('the deploy waits for app-1 to begin job 3, so the drain lands inside it on any machine', () => {
    for (const run of [drained, stopped]) {
      const exchanges = httpExchanges(run.trace);
      const job3 = exchanges.find(
        (exchange) =>
          exchange.from === 'lb' && exchange.to === 'app-1' && exchange.requestBody === '{"job":3}',
      );
      const watch = exchanges.find((exchange) => exchange.path === '/jobs/3/started');
      const drain = exchanges.find((exchange) => exchange.path === '/drain');
      expect(watch?.from).toBe('deploy');
      expect(JSON.parse(watch?.responseBody ?? '')).toEqual({
        instance: 'app-1',
        job: 3,
        started: true,
      });
      // Held from the start of the run until job 3 had begun, then the drain at once.
      expect(watch?.sent).toBeLessThan(job3?.sent ?? 0);
      expect(drain?.sent).toBeGreaterThan(job3?.sent ?? Infinity);
      const job3Ended =
        job3?.answered ??
        run.trace.find((event) => event.kind === 'error' && event.exchange === job3?.id)?.t;
      expect(drain?.sent).toBeLessThan(job3Ended ?? 0);
    }
    expect(said(drained, 'deploy')).toEqual([
      'app-1 began job 3; asked it to restart: 202, it is draining',
    ]);
  });

  it('a restarting instance refuses new work with 503, Retry-After and Connection: close', () => {
    const refused = httpExchanges(drained.trace).find(
      (exchange) => exchange.from === 'lb' && exchange.status === 503,
    );
    expect(refused?.to).toBe('app-1');
    expect(refused?.responseHeaders.get('retry-after')).toBe('1');
    expect(refused?.responseHeaders.get('connection')).toBe('close');
    expect(JSON.parse(refused?.responseBody ?? '')).toMatchObject({
      error: 'restarting, try another',
    });
  });

  it('stopping at once: the job in flight is lost, and so is one sent during the restart', () => {
    expect(said(stopped, 'app-1')[0]).toBe('app-1 stops now, with 1 request(s) in flight');
    const jobs = said(stopped, 'client');
    expect(jobs[2]).toBe('job 3: lb 502 app-1 went away mid-request');
    expect(jobs.at(-1)).toBe('8 jobs: 6 done, failed #3 502, #5 502');
    const dropped = stopped.trace.filter(
      (event) => event.kind === 'error' && event.from === 'app-1',
    );
    expect(dropped.length).toBeGreaterThanOrEqual(2);
  });
});

describe('one instance on its own', () => {
  const env = { hosts: {}, params: { drain: 1, restartMs: 250 } };
  const work = (app: ReturnType<typeof createApp>, job: number) =>
    app.fetch(
      new Request('http://app.test/work', { method: 'POST', body: JSON.stringify({ job }) }),
      env,
    );
  const ready = async (app: ReturnType<typeof createApp>) =>
    (await app.fetch(new Request('http://app.test/ready'), env)).status;

  it('reports not ready from the drain until the restart is over, and finishes what it held', async () => {
    const app = createApp('app-x');
    const held = work(app, 1);
    expect(await ready(app)).toBe(200);
    const drain = await app.fetch(new Request('http://app.test/drain', { method: 'POST' }), env);
    expect(drain.status).toBe(202);
    expect(await ready(app)).toBe(503);
    expect((await work(app, 2)).status).toBe(503);
    expect(await (await held).json()).toEqual({ instance: 'app-x', job: 1, done: true });
    expect(await ready(app)).toBe(503); // restarting now
    await expect.poll(() => ready(app), { timeout: 5_000 }).toBe(200);
    expect((await work(app, 3)).status).toBe(200);
  });

  it('holds GET /jobs/<n>/started until job n begins, and answers at once after that', async () => {
    const app = createApp('app-x');
    const watch = (job: number) =>
      app.fetch(new Request(`http://app.test/jobs/${job}/started`), env);
    let answered = false;
    const held = watch(2).then((response) => ((answered = true), response.json()));
    await work(app, 1);
    expect(answered).toBe(false);
    const job2 = work(app, 2);
    expect(await held).toEqual({ instance: 'app-x', job: 2, started: true });
    expect(await (await watch(2)).json()).toEqual({ instance: 'app-x', job: 2, started: true });
    await job2;
  });
});

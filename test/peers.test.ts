// The peer suite: every sandbox, found by glob, served as `npm run sandbox -- <id> --serve` serves
// it (demo first, then fresh hosts), and checked with clients nobody here wrote: curl, the `ws`
// client and Node's http2 client. The routes come from the demo's trace; sandboxes/<id>/peers.ts
// may add params and curl steps. Chromium's own fetch, EventSource and WebSocket are in e2e/peers.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HarnessLog, ServingSandbox } from '../src/sandbox/node/harness.ts';
import { keepServing, startServing, type ServedSandbox } from '../src/sandbox/node/serve.ts';
import { aimsOf, routesInCode, type CodeRoutes } from './peers/code.ts';
import { curl, type CurlAnswer } from './peers/curl.ts';
import {
  HOSTILE_MESSAGES,
  hostileProbes,
  sendHostileMessage,
  sendProbes,
} from './peers/hostile.ts';
import { sandboxesWithPlans } from './peers/load.ts';
import type { PeerStep } from './peers/plan.ts';
import { routesOf, type Route } from './peers/routes.ts';

const malformed = '{"this is": not JSON';

const sandboxes = await sandboxesWithPlans();
const root = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);

it('README shows how to try every pattern’s sandbox with curl', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Trying a sandbox with curl'));
  // Extra sandboxes of a chapter (<chapter>.<name>) share their chapter's row.
  for (const { id } of sandboxes.filter((sandbox) => !sandbox.id.includes('.'))) {
    expect(section, `a row for ${id}`).toMatch(
      new RegExp(`\\| \`${id} --port [\\w-]+=3000\` +\\| .*curl`),
    );
  }
});

describe('README’s many-streams examples, against multiplexing as --serve serves it', () => {
  let served: ServedSandbox | undefined;
  let sandbox: ServingSandbox | undefined;
  let blocks: string[] = [];
  beforeAll(async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('**Many streams on one connection.**'));
    blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    const dir = sandboxes.find((candidate) => candidate.id === 'multiplexing')?.dir ?? '';
    sandbox = await startServing(dir, { timeoutMs: 30_000 });
    served = await keepServing(sandbox);
  }, 60_000);
  afterAll(async () => served?.close());
  /** Runs a README block with the HTTP/2 port filled in; what it printed. */
  const run = async (block: string) => {
    const origin = served?.http2.server?.origin ?? '';
    const command = block.replaceAll('http://127.0.0.1:<HTTP/2 port>', origin);
    return (await execFileAsync('bash', ['-c', command], { cwd: root })).stdout;
  };

  it('Node’s http2 client: two requests, streams 1 and 3 of one connection', async () => {
    const block = blocks.find((candidate) => candidate.includes("require('node:http2')"));
    const out = await run(block ?? 'false');
    expect(out).toMatch(/^stream 1 200$/m);
    expect(out).toMatch(/^stream 3 200$/m);
    expect(out.match(/^\{"n":[12],"workMs":\d+\}$/gm)).toHaveLength(2);
  });

  it('curl -Z, with curl 8.0 or newer (7.88 fails with error 16: curl/curl#10634)', async (context) => {
    const version = (await execFileAsync('curl', ['--version'])).stdout.match(/^curl (\d+)\./);
    if (Number(version?.[1]) < 8) return context.skip();
    const block = blocks.find((candidate) => candidate.startsWith('curl '));
    expect(await run(block ?? 'false')).toMatch(/^\{"n":1,"workMs":\d+\}\{"n":1,"workMs":\d+\}$/);
  });
});

for (const { id, dir, plan } of sandboxes) {
  describe(`${id}, served as --serve serves it`, { timeout: 60_000 }, () => {
    let sandbox: ServingSandbox;
    let served: ServedSandbox;
    let routes: ReturnType<typeof routesOf>;
    let code: CodeRoutes;
    const errors: HarnessLog[] = [];
    const url = (host: string, target = '/', name = '127.0.0.1', http2 = false) => {
      const address = new URL(target, (http2 ? served.http2 : sandbox.urls)[host]);
      address.hostname = name;
      return address.href;
    };
    const hosts = () => Object.keys(sandbox.urls);

    beforeAll(async () => {
      sandbox = await startServing(dir, {
        timeoutMs: 30_000,
        params: plan.params,
        log: (line) => {
          if (line.level === 'error') errors.push(line);
        },
      });
      await sandbox.runClients();
      routes = routesOf(sandbox.trace);
      code = routesInCode(dir, sandbox.manifest.hosts);
      served = await keepServing(sandbox);
      errors.length = 0; // from here on, every error a host logs is one the peers caused
    }, 60_000);
    afterAll(async () => {
      await served?.close();
      expect(errors, 'hosts logged errors (a stack trace means a 500)').toEqual([]);
    });

    it('ignores an h2c upgrade (curl --http2) and answers over HTTP/1.1, as without it', async () => {
      for (const host of hosts()) {
        const plain = await curl([url(host)]);
        const upgrade = await curl(['--http2', url(host)]);
        expect(upgrade.statuses, host).toEqual([{ http: '1.1', status: plain.status }]);
      }
      for (const route of routes.http.filter((candidate) => candidate.json)) {
        const answer = await curl([
          '--http2',
          ...postMalformed(route),
          url(route.host, route.target),
        ]);
        expect(answer.statuses, `${route.method} ${route.target}`).toEqual([
          { http: '1.1', status: 400 },
        ]);
      }
    });

    it('answers HEAD with the status, type and length of GET, and no body, on every GET route', async () => {
      const gets = aimsOf(routes.http, code).filter((aim) => aim.method === 'GET');
      const targets = [...hosts().map((host) => ({ host, target: '/' })), ...gets];
      for (const { host, target } of targets) {
        const what = `${host} HEAD ${target}`;
        // A held poll answers HEAD no sooner than GET; such a route is left to its peers.ts.
        const head = await curl(['-I', '--max-time', '2', url(host, target)]);
        if (head.statuses.length === 0) continue;
        expect(head.body, what).toBe('');
        const get = await curl([
          '--max-time',
          '3',
          '-o',
          '/dev/null',
          '-D',
          '-',
          url(host, target),
        ]);
        expect(head.status, `${what} vs GET`).toBe(get.status);
        expect(head.headers.get('content-type'), what).toBe(get.headers.get('content-type'));
        // RFC 9110 §9.3.2 and §8.6: the Content-Length GET would send, or none at all.
        const length = head.headers.get('content-length');
        if (length !== null)
          expect(length, `${what}: Content-Length`).toBe(get.headers.get('content-length'));
      }
    });

    it('lets any origin read its answers (CORS) and answers preflights itself', async () => {
      for (const host of hosts()) {
        const answer = await curl(['-H', 'origin: http://reader.example', url(host)]);
        expect(answer.headers.get('access-control-allow-origin'), host).toBe('*');
        const preflight = await curl([
          '-X',
          'OPTIONS',
          '-H',
          'origin: http://reader.example',
          '-H',
          'access-control-request-method: POST',
          '-H',
          'access-control-request-headers: content-type',
          url(host),
        ]);
        expect(preflight.status, host).toBe(204);
        expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
        expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
      }
    });

    it('answers malformed JSON with 400 and a reason on every JSON route, also after Expect: 100-continue', async () => {
      for (const route of routes.http.filter((candidate) => candidate.json)) {
        const what = `${route.host} ${route.method} ${route.target}`;
        const answer = await curl([...postMalformed(route), url(route.host, route.target)]);
        expect(answer.status, what).toBe(400);
        expect(answer.body.trim(), `${what}: the 400 says why`).not.toBe('');
        const expecting = await curl([
          ...postMalformed(route),
          '-H',
          'expect: 100-continue',
          url(route.host, route.target),
        ]);
        expect(expecting.statuses, what).toEqual([
          { http: '1.1', status: 100 },
          { http: '1.1', status: 400 },
        ]);
      }
    });

    it('answers hostile input on every route its code handles with 4xx, never 5xx or an exception', async () => {
      const failures: string[] = [];
      for (const aim of aimsOf(routes.http, code, plan.hostileRoutes)) {
        // Fresh hosts per route: a probe that shuts a broker down must not fail the next route's.
        await sandbox.restartHosts();
        const logged = errors.length;
        const probes = await hostileProbes(aim, code.headers[aim.host] ?? [], plan.authenticate);
        for (const { probe, outcome } of await sendProbes(sandbox.urls[aim.host] as URL, probes)) {
          // A held poll may well outlive the wait; only a 5xx or a dropped connection is wrong.
          if (outcome === 'no answer yet' || (typeof outcome === 'number' && outcome < 500))
            continue;
          failures.push(`${aim.host} ${probe.method} ${probe.target}, ${probe.what}: ${outcome}`);
        }
        for (const line of errors.splice(logged)) {
          failures.push(
            `${aim.host} ${aim.method} ${aim.target} logged ${line.text.split('\n')[0]}`,
          );
        }
      }
      await sandbox.restartHosts();
      expect(failures).toEqual([]);
    });

    it('closes a WebSocket that sends what its protocol is not (1003, 1007 or 1008), with no exception', async () => {
      const headers = await plan.socketHeaders?.(sandbox.urls);
      for (const route of routes.websocket) {
        const target = new URL(route.target, sandbox.urls[route.host]);
        target.protocol = 'ws:';
        const logged = errors.length;
        const outcomes = await Promise.all(
          HOSTILE_MESSAGES.map(async ([what, data]) => [
            what,
            await sendHostileMessage(target.href, data, headers),
          ]),
        );
        for (const [what, outcome] of outcomes) {
          expect(outcome, `${route.host} ${route.target}: ${what}`).toMatch(/^closed 100[378] /);
        }
        const thrown = errors.splice(logged).map((line) => line.text.split('\n')[0]);
        expect(thrown, `${route.host} ${route.target}`).toEqual([]);
      }
      await sandbox.restartHosts();
    });

    it('resumes every event stream after its Last-Event-ID, one ahead of the log too: no event twice', async () => {
      // Fresh hosts have sent nothing yet, so the demo's second id is ahead of every log.
      await sandbox.restartHosts();
      for (const route of routes.http.filter((candidate) => candidate.ids.length >= 2)) {
        const [first = '', second = ''] = route.ids;
        const body = route.body ? ['--data-binary', route.body.text] : [];
        const auth = await plan.authenticate?.(route.body?.text ?? '');
        const answer = await curl(
          [
            ...['-N', '-X', route.method, '--max-time', '8', ...body],
            ...Object.entries({ ...auth, 'content-type': route.body?.type ?? '' })
              .filter(([, value]) => value !== '')
              .flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
            ...['-H', `last-event-id: ${second}`, url(route.host, route.target)],
          ],
          /^id: .*\n[\s\S]*^id: /m,
        );
        const ids = [...answer.body.matchAll(/^id: ?(.*)$/gm)].map((match) => match[1]);
        expect(ids.length, `${route.target}: events after Last-Event-ID ${second}`).toBeGreaterThan(
          0,
        );
        expect(ids, `${route.target} after Last-Event-ID ${second}`).not.toContain(first);
        expect(ids, `${route.target} after Last-Event-ID ${second}`).not.toContain(second);
      }
      await sandbox.restartHosts();
    });

    it('serves HTTP/2 with prior knowledge: curl, and many streams on one connection for Node', async () => {
      for (const host of hosts()) {
        const endpoint = served.http2[host]?.href ?? '';
        const plain = await curl([url(host)]);
        const answer = await curl(['--http2-prior-knowledge', endpoint]);
        expect(answer.statuses, host).toEqual([{ http: '2', status: plain.status }]);
        const streams = await sameConnection(endpoint, 8);
        expect(new Set(streams.ids).size, `${host}: 8 streams`).toBe(8);
        expect(streams.statuses, host).toEqual(Array(8).fill(plain.status));
      }
    });

    it('accepts new WebSocket subscribers after the demo (ws client)', async () => {
      for (const route of routes.websocket) {
        const target = new URL(route.target, sandbox.urls[route.host]);
        target.protocol = 'ws:';
        const refused = plan.refusesUnauthenticatedSockets?.code;
        const expected =
          refused === undefined ? 'pong' : expect.stringMatching(`^closed ${refused} `);
        expect(await openAndPing(target.href), route.target).toEqual(expected);
      }
    });

    it('passes the steps in its peers.ts, if it has one', async () => {
      let previous: CurlAnswer | undefined;
      for (const step of plan.steps ?? []) previous = await runStep(step, previous);
    });

    // Last, as replaying the demo changes state (it may even replay the demo's own shutdown).
    it('answers curl on every route the demo used, as the demo was answered or better than 5xx', async () => {
      for (const route of routes.http) {
        const what = `${route.host} ${route.method} ${route.target}`;
        const body = route.body
          ? ['-H', `content-type: ${route.body.type}`, '--data-binary', route.body.text]
          : [];
        // A held poll or an endless stream is cut by --max-time; what came before still counts.
        const answer = await curl([
          ...['-X', route.method, '--max-time', '3', ...body],
          url(route.host, route.target),
        ]);
        if (answer.statuses.length === 0) continue;
        if (answer.status >= 500)
          expect(route.statuses, `${what}: ${answer.status}`).toContain(answer.status);
      }
    });

    async function runStep(step: PeerStep, previous?: CurlAnswer): Promise<CurlAnswer> {
      const fill = (arg: string) =>
        arg.replace(/\{\{([\w-]+)\}\}/g, (_, name: string) => previous?.headers.get(name) ?? '');
      const args = step.curl
        .map(fill)
        .map((arg) => (arg.startsWith('/') ? url(step.host, arg, step.hostname, step.http2) : arg));
      const answer = await curl(args, step.until);
      const { status, http, headers = {}, body } = step.expect;
      expect(answer.status, step.name).toBe(status);
      if (http) expect(answer.http, step.name).toBe(http);
      for (const [name, want] of Object.entries(headers)) {
        const got = answer.headers.get(name);
        if (want instanceof RegExp) expect(got, `${step.name}: ${name}`).toMatch(want);
        else expect(got, `${step.name}: ${name}`).toBe(want);
      }
      if (body) expect(answer.body, step.name).toMatch(body);
      return answer;
    }
  });
}

/** curl arguments that send the malformed body with the route's method, as JSON. */
function postMalformed(route: Route): string[] {
  return ['-X', route.method, '-H', 'content-type: application/json', '--data-binary', malformed];
}

/** Sends `count` GETs at once on one HTTP/2 connection; the stream ids and statuses that came back. */
async function sameConnection(endpoint: string, count: number) {
  const session = http2.connect(endpoint);
  try {
    const answers = await Promise.all(
      Array.from({ length: count }, () => {
        const stream = session.request({ ':path': '/' });
        return new Promise<{ id: number; status: number }>((resolve, reject) => {
          stream.on('response', (headers) => {
            resolve({ id: stream.id ?? 0, status: Number(headers[':status']) });
            stream.resume();
          });
          stream.on('error', reject);
        });
      }),
    );
    return { ids: answers.map((answer) => answer.id), statuses: answers.map((a) => a.status) };
  } finally {
    session.close();
  }
}

/** Opens a WebSocket with `ws` and pings it: 'pong' if the host kept it open, else how it closed. */
function openAndPing(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target);
    socket.on('open', () => socket.ping());
    socket.on('pong', () => {
      resolve('pong');
      socket.close(1000, 'peer test done');
    });
    socket.on('close', (code, reason) => resolve(`closed ${code} ${reason.toString()}`));
    socket.on('error', reject);
  });
}

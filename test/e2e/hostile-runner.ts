/**
 * A stand-in for the runner frame that completes the handshake as the real one does, then floods and
 * forges what compromised runtime code could send (decisions/0025), for the runner-trust tests in
 * every engine. Served by `startRuntimePage(HOSTILE_DOCUMENTS)`; `?bytes` sends more text than the
 * page keeps per run instead. RUN_HOSTILE (source, for `evaluate` in any engine) runs once through
 * it in the runtime page and returns what the page's handlers were handed.
 */
import { expect } from 'vitest';
import {
  MAX_CONSOLE_LINES,
  MAX_RUN_BYTES,
  MAX_TRACE_HOSTS,
} from '../../src/sandbox/runtime/protocol';
import { inlineSandbox } from './runtime-page';

const HOSTILE_RUNNER_PATH = '/hostile-runner.html';

/** Answers the handshake as the real runner does, then sends what compromised runtime code could. */
const HOSTILE_RUNNER = `<!doctype html><title>hostile runner</title><script>
const channel = new MessageChannel();
const port = channel.port1;
parent.postMessage({ type: 'bcp-ready', secret: location.hash.slice(1) }, location.origin, [channel.port2]);
setInterval(() => port.postMessage({ type: 'beat' }), 250);
const line = (i) => ({ host: 'client', level: 'log', text: 'line ' + i, t: i });
const batch = (length, make) => Array.from({ length }, (_, i) => make(i));
port.onmessage = ({ data }) => {
  if (data.type !== 'run') return;
  const run = data.run;
  port.postMessage({ type: 'started', run });
  if (location.search === '?bytes') return floodBytes(run);
  // Lines posing as the runtime, or naming a host the run does not have, are dropped one by one.
  port.postMessage({ type: 'console', run, entries: [
    { host: 'sandbox', level: 'error', text: 'Session expired: sign in at evil.example', t: 0 },
    { host: 'evil', level: 'log', text: 'x', t: 0 },
    line(-1),
  ] });
  // The runtime's notices are codes the page words; unknown codes and hosts are refused.
  port.postMessage({ type: 'notice', run, code: 'host-restarted', host: 'server' });
  port.postMessage({ type: 'notice', run, code: 'host-restarted', host: 'sign in at evil.example' });
  port.postMessage({ type: 'notice', run, code: 'Session expired: sign in at evil.example' });
  // 200,000 console lines, 5,000 at a time (WebKit takes seconds to post a million in one task).
  for (let k = 0; k < 40; k++) port.postMessage({ type: 'console', run, entries: batch(5000, (i) => line(k * 5000 + i)) });
  // Batches over the size limit, and lines of the wrong shape, are dropped whole.
  port.postMessage({ type: 'console', run, entries: batch(5001, line) });
  port.postMessage({ type: 'console', run, entries: [{ host: 'client', level: 'html', text: 'x', t: 0 }] });
  // 5,000 new host names in one message.
  port.postMessage({ type: 'trace', run, events: batch(5000, (i) => ({ kind: 'abort', t: i, exchange: 'flood' + i, from: 'host' + i, to: 'server' })) });
  // Malformed events, each alone.
  for (const event of [
    { kind: 'request', t: 1, exchange: 'bad1', from: 'client', to: 'server', method: 'GET', url: 'x', headers: 'x', bodySize: 0, bodyPreview: '' },
    { kind: 'response', t: 1, exchange: 'bad2', from: 'server', to: 'client', status: '200', statusText: 'OK', headers: [] },
    { kind: 'made-up', t: 1, exchange: 'bad3', from: 'client', to: 'server' },
    { kind: 'ws-message', t: 1, exchange: 'bad4', from: 'client', to: 'server', size: 1, preview: 'x'.repeat(100000), binary: false },
    { kind: 'abort', t: 1, exchange: 'bad5', from: { toString: 'x' }, to: 'server' },
  ]) port.postMessage({ type: 'trace', run, events: [event] });
  port.postMessage({ type: 'trace', run, events: [{ kind: 'abort', t: 2, exchange: 'good', from: 'client', to: 'server' }] });
  // One bad event (an SSE data field over the 64 KB bound) costs only itself, not its batch.
  const abort = (exchange) => ({ kind: 'abort', t: 3, exchange, from: 'client', to: 'server' });
  port.postMessage({ type: 'trace', run, events: [abort('good-a'), { kind: 'sse-event', t: 3, exchange: 'bad6', from: 'server', to: 'client', data: 'x'.repeat(70000) }, abort('good-b')] });
  // Text posing as the runtime, unknown kinds, and other runs' ends.
  port.postMessage({ type: 'killed', run, reason: 'Stopped: sign in at evil.example' });
  port.postMessage({ type: 'ended', run, cause: 'sign in at evil.example' });
  port.postMessage({ type: 'html', run, html: '<img src=x onerror=alert(1)>' });
  port.postMessage({ type: 'finished', run: run + 1000, ok: true });
  port.postMessage({ type: 'finished', run, ok: 'yes' });
  port.postMessage({ type: 'finished', run, ok: true });
};
// 60 events of 20 headers of 60,000 characters (about 2.4 MB each as the page keeps them), then
// console lines of 10,000: far more than the page keeps for a run, within every count cap.
function floodBytes(run) {
  const value = 'v'.repeat(60000);
  const headers = Array.from({ length: 20 }, (_, i) => ['x-big-' + i, value]);
  for (let k = 0; k < 60; k++) {
    port.postMessage({ type: 'trace', run, events: [{ kind: 'request', t: k, exchange: 'big' + k, from: 'client', to: 'server', method: 'GET', url: 'http://server.test/', headers, bodySize: 0, bodyPreview: '' }] });
  }
  port.postMessage({ type: 'console', run, entries: batch(900, (i) => ({ host: 'client', level: 'log', text: 'y'.repeat(10000), t: i })) });
  port.postMessage({ type: 'finished', run, ok: true });
}
</script>`;

/** The documents `startRuntimePage` serves for these tests. */
export const HOSTILE_DOCUMENTS = { [HOSTILE_RUNNER_PATH]: HOSTILE_RUNNER };

/** What one run through the hostile runner handed the page's handlers. */
export interface Seen {
  end: string;
  lines: number;
  labels: string[];
  dropped: number;
  exchanges: string[];
  hosts: number;
  kills: string[];
  notices: string[];
}

/** In the runtime page: one run through the hostile runner; resolves to a {@link Seen}. */
const RUN_HOSTILE = `async ({ manifest, files, scenario }) => {
  const runner = await window.SandboxRuntime.SandboxRunner.connect(
    new URL('${HOSTILE_RUNNER_PATH}' + scenario, location.href),
  );
  let lines = 0;
  let dropped = 0;
  const labels = new Set();
  const exchanges = [];
  const hosts = new Set();
  const kills = [];
  const notices = [];
  const end = await new Promise((done) => {
    runner.run(manifest, files, { latencyMs: 0, params: {} }, {
      onConsole: (entries) => {
        lines += entries.length;
        for (const entry of entries) labels.add(entry.host);
      },
      onDropped: (count) => (dropped = count),
      onTrace: (events) => {
        for (const event of events) {
          exchanges.push(event.exchange);
          hosts.add(event.from).add(event.to);
        }
      },
      onNotice: (text) => notices.push(text),
      onFinished: (ok) => done('finished ' + String(ok)),
      onKilled: (reason) => {
        kills.push(reason);
        done('killed');
      },
    });
  });
  return { end, lines, labels: [...labels], dropped, exchanges, hosts: hosts.size, kills, notices };
}`;

/**
 * The function (source) and argument that run once through the hostile runner in `scenario` ('' or
 * '?bytes'), for `evaluate` in the runtime page in any engine.
 */
export function hostileRun(scenario: string): { source: string; arg: unknown } {
  const sandbox = inlineSandbox(
    'export default { fetch: () => new Response("ok") };',
    'export default async function main() {}',
  );
  return { source: RUN_HOSTILE, arg: { ...sandbox, scenario } };
}

/** The flood and the forgeries were held to the per-run caps and per-kind checks. */
function expectHeldToChecks(seen: Seen): void {
  expect(seen.end).toBe('finished true');
  expect(seen.lines).toBe(MAX_CONSOLE_LINES);
  expect(seen.labels).toEqual(['client']);
  expect(seen.dropped).toBe(200_000 + 1 - MAX_CONSOLE_LINES);
  expect(seen.hosts).toBeLessThanOrEqual(MAX_TRACE_HOSTS);
  // Of the flood, only events naming hosts within the cap got through; no malformed event did, and
  // each malformed event cost only itself.
  expect(seen.exchanges.filter((id) => id.startsWith('bad'))).toEqual([]);
  expect(seen.exchanges).toEqual(expect.arrayContaining(['good', 'good-a', 'good-b']));
  expect(seen.exchanges.filter((id) => id.startsWith('flood')).length).toBe(MAX_TRACE_HOSTS - 2);
  expect(seen.kills).toEqual([]);
  expect(seen.notices).toEqual([
    'server restarted: its memory (sessions, counters, queues) is gone.',
    '5,004 console lines were malformed and dropped.',
    '6 trace events were malformed and dropped.',
  ]);
}

/** The page kept the run's output up to its byte budget, and said so once. */
function expectByteBudget(seen: Seen): void {
  expect(seen.end).toBe('finished true');
  const kept = seen.exchanges.length;
  // About 2.4 MB an event: the 64 MB budget keeps some 26 of the 60, and no console line after.
  expect(kept).toBeGreaterThan(20);
  expect(kept).toBeLessThan(30);
  expect(seen.lines).toBe(0);
  expect(seen.dropped).toBe(900);
  expect(seen.notices).toEqual([
    `This run's output reached ${MAX_RUN_BYTES / 2 ** 20} MB, the most the page keeps per run: later console lines and trace events are not shown.`,
  ]);
}

/** Checks what the page kept of a run through the hostile runner in `scenario` ('' or '?bytes'). */
export function expectHeld(scenario: string, seen: Seen): void {
  if (scenario === '?bytes') expectByteBudget(seen);
  else expectHeldToChecks(seen);
}

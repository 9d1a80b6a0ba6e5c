import { afterEach, describe, expect, it } from 'vitest';
import { BODY_BYTES, TRACE_LIMITS, type HeaderList, type TraceEvent } from './events';
import { createTraceRecorder, type TraceRecorder } from './recorder';
import { isTraceEvent } from './validate';

const encode = (text: string) => new TextEncoder().encode(text);
const { defineProperty } = Reflect;
/** Adds to the test's own lists without push or assignment, which the tests below patch. */
const keep = <T>(list: T[], item: T): unknown =>
  defineProperty(list, list.length, {
    value: item,
    writable: true,
    enumerable: true,
    configurable: true,
  });

/** A recorder on a clock that advances 1.23456 ms per reading, and what it emitted or refused. */
function recording() {
  const events: TraceEvent[] = [];
  const refused: string[] = [];
  let time = 0;
  const recorder = createTraceRecorder({
    now: () => (time += 1.23456),
    emit: (event) => keep(events, event),
    refused: (problem) => keep(refused, problem),
  });
  return { recorder, events, refused };
}

/** One of everything: an upload, an event stream, a WebSocket, an error and an abort. */
function oneOfEach(recorder: TraceRecorder): void {
  const up = { exchange: recorder.nextExchange('http'), from: 'client', to: 'server' };
  const down = { ...up, from: 'server', to: 'client' };
  const headers: HeaderList = [
    ['Content-Type', 'application/json'],
    ['X-Trace', 'a'],
  ];
  recorder.request(up, {
    method: 'POST',
    url: 'http://server.test/a',
    headers,
    body: encode('{}'),
  });
  recorder.response(down, {
    status: 200,
    statusText: 'OK',
    headers: [['Content-Type', 'Text/Event-Stream; charset=utf-8']],
  });
  recorder.bodyChunk(down, encode('retry: 500\nid: 7\nevent: tick\ndata: hé'));
  recorder.bodyChunk(down, encode('llo\n\n: keep-alive\n'));
  recorder.bodyEnd(down, 48);
  const ws = { exchange: recorder.nextExchange('ws'), from: 'client', to: 'server' };
  const wsDown = { ...ws, from: 'server', to: 'client' };
  recorder.wsOpen(ws, { url: 'ws://server.test/feed', headers: [['Upgrade', 'websocket']] });
  recorder.response(wsDown, { status: 101, statusText: 'Switching Protocols', headers: [] });
  recorder.wsMessage(ws, 'hé', false);
  recorder.wsMessage(wsDown, Uint8Array.of(1, 2, 3), true);
  recorder.wsClose(wsDown, 1000, 'bye');
  const second = { exchange: recorder.nextExchange('http'), from: 'client', to: 'server' };
  recorder.error({ ...second, from: 'server', to: 'client' }, 'server threw: boom');
  recorder.abort(second);
  // Refused: no status is below 100 (a recorder bug would look like this).
  recorder.response(down, { status: 42, statusText: 'Nope', headers: [] });
}

describe('the trace recorder', () => {
  it('numbers exchanges, stamps times at 0.1 ms, and builds every kind the validator accepts', () => {
    const { recorder, events, refused } = recording();
    oneOfEach(recorder);
    expect(events.every(isTraceEvent)).toBe(true);
    expect(events.map((event) => `${event.exchange} ${event.kind} ${event.t}`)).toEqual([
      'h1 request 1.2',
      'h1 response 2.5',
      'h1 body-chunk 3.7',
      'h1 body-chunk 4.9',
      'h1 sse-event 6.2',
      'h1 sse-event 7.4',
      'h1 body-end 8.6',
      'w1 ws-open 9.9',
      'w1 response 11.1',
      'w1 ws-message 12.3',
      'w1 ws-message 13.6',
      'w1 ws-close 14.8',
      'h2 error 16',
      'h2 abort 17.3',
    ]);
    expect(events[0]).toMatchObject({
      bodySize: 2,
      bodyPreview: '{}',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Trace', 'a'],
      ],
    });
    expect(events[4]).toMatchObject({ retry: 500, id: '7', event: 'tick', data: 'héllo' });
    expect(events[5]).toMatchObject({ data: '', comment: 'keep-alive' });
    expect(events[9]).toMatchObject({ size: 3, preview: 'hé', binary: false });
    expect(events.some((event) => 'clipped' in event)).toBe(false);
    expect(refused).toEqual(['response: a field is missing or malformed']);
  });

  it('reads SSE events only out of an event stream', () => {
    const { recorder, events } = recording();
    const route = { exchange: recorder.nextExchange('http'), from: 'server', to: 'client' };
    recorder.response(route, {
      status: 200,
      statusText: 'OK',
      headers: [['content-type', 'text/event-streaming']],
    });
    recorder.bodyChunk(route, encode('data: not an event stream\n\n'));
    expect(events.map((event) => event.kind)).toEqual(['response', 'body-chunk']);
  });

  it('cuts a 70 KB SSE data field, header value or URL to the bounds and marks the event clipped', () => {
    const { recorder, events, refused } = recording();
    const route = { exchange: recorder.nextExchange('http'), from: 'server', to: 'client' };
    const big = 'x'.repeat(70 * 1024);
    recorder.request(
      { ...route, from: 'client', to: 'server' },
      { method: 'GET', url: `http://server.test/?q=${big}`, headers: [['x-big', big]], body: null },
    );
    recorder.response(route, {
      status: 200,
      statusText: 'OK',
      headers: [['content-type', 'text/event-stream']],
    });
    recorder.bodyChunk(route, encode(`data: ${big}\n\n`));
    const many = Array.from({ length: 600 }, (_, i): [string, string] => [`x-${i}`, 'v']);
    recorder.response(route, { status: 200, statusText: 'OK', headers: many });
    recorder.error(route, big);
    expect(refused).toEqual([]);
    expect(events.every(isTraceEvent)).toBe(true);
    const [request, , chunk, sse, crowded, error] = events;
    expect(request).toMatchObject({ clipped: true });
    expect(request?.kind === 'request' && request.headers[0]?.[1]).toHaveLength(TRACE_LIMITS.text);
    expect(request?.kind === 'request' && request.url.endsWith('…')).toBe(true);
    expect(chunk?.kind === 'body-chunk' && chunk.size).toBe(big.length + 8);
    expect(sse).toMatchObject({ kind: 'sse-event', clipped: true });
    expect(sse?.kind === 'sse-event' && sse.data).toBe(`${big.slice(0, TRACE_LIMITS.text - 1)}…`);
    expect(crowded?.kind === 'response' && crowded.headers).toHaveLength(TRACE_LIMITS.headers);
    expect(crowded).toMatchObject({ clipped: true });
    expect(error).toMatchObject({ kind: 'error', clipped: true });
  });

  it('keeps the bytes of bodies exactly, up to a body’s cap and then a run’s', () => {
    const { recorder, events, refused } = recording();
    const part = Uint8Array.from({ length: 40_000 }, (_, index) => (index * 7) % 256);
    // 40 bodies of two 40 KB parts each: every body is cut at its cap until the run's cap is spent.
    for (let body = 0; body < 40; body++) {
      const down = { exchange: recorder.nextExchange('http'), from: 'server', to: 'client' };
      recorder.bodyChunk(down, part);
      recorder.bodyChunk(down, part);
    }
    const kept = events.map((event) =>
      event.kind === 'body-chunk' ? atob(event.base64 ?? 'x').length : -1,
    );
    expect(refused).toEqual([]);
    expect(kept.slice(0, 2)).toEqual([40_000, BODY_BYTES.body - 40_000]);
    expect(kept.reduce((total, count) => total + count, 0)).toBe(BODY_BYTES.run);
    expect(kept.at(-1)).toBe(0);
    const first = events[0]?.kind === 'body-chunk' ? (events[0].base64 ?? '') : '';
    expect(Uint8Array.from(atob(first), (char) => char.charCodeAt(0))).toEqual(part);
  });

  it('copies header lists, so a caller changing its array later changes nothing traced', () => {
    const { recorder, events } = recording();
    const headers: HeaderList = [['a', '1']];
    const route = { exchange: recorder.nextExchange('http'), from: 'client', to: 'server' };
    recorder.request(route, { method: 'GET', url: 'http://server.test/', headers, body: null });
    headers.push(['b', '2']);
    (headers[0] as [string, string])[1] = 'changed';
    expect(events[0]?.kind === 'request' && events[0].headers).toEqual([['a', '1']]);
  });
});

describe('the trace recorder beside reader code that patches built-ins', () => {
  const restore: Array<() => void> = [];
  afterEach(() => {
    while (restore.length > 0) restore.pop()?.();
  });
  /** Replaces `target[key]` until the test ends. */
  function patch<T extends object>(target: T, key: PropertyKey, value: unknown): void {
    const before = Reflect.getOwnPropertyDescriptor(target, key);
    Reflect.defineProperty(target, key, { value, writable: true, configurable: true });
    // Not restore.push: it may be patched by now.
    restore[restore.length] = () =>
      before ? Reflect.defineProperty(target, key, before) : Reflect.deleteProperty(target, key);
  }

  it('records the same events after Array.prototype.push, slice, JSON.stringify and more are replaced', () => {
    const clean = recording();
    oneOfEach(clean.recorder);

    const { push } = Array.prototype;
    const { slice } = String.prototype;
    const iterator = Array.prototype[Symbol.iterator];
    const { decode } = TextDecoder.prototype;
    patch(Array.prototype, 'push', function (this: unknown[], ...items: unknown[]) {
      return Reflect.apply(push, this, [...items, ['x-injected', 'yes']]);
    });
    patch(String.prototype, 'slice', function (this: string, ...args: number[]) {
      return `pwned ${Reflect.apply(slice, this, args)}`;
    });
    patch(JSON, 'stringify', () => '"forged"');
    patch(Math, 'round', () => 0);
    patch(Array, 'isArray', () => true);
    patch(Object, 'hasOwn', () => true);
    patch(Number, 'isSafeInteger', () => true);
    patch(TextDecoder.prototype, 'decode', function (this: TextDecoder, ...args: unknown[]) {
      return `forged ${Reflect.apply(decode, this, args) as string}`;
    });
    patch(Object.prototype, 'retry', -1);
    let taken = 0;
    Reflect.defineProperty(Object.prototype, 'id', { set: () => (taken += 1), configurable: true });
    restore[restore.length] = () => Reflect.deleteProperty(Object.prototype, 'id');
    patch(Array.prototype, Symbol.iterator, function* (this: unknown[]) {
      yield ['x-injected', 'yes'];
      yield* Reflect.apply(iterator, this, []) as Iterable<unknown>;
    });
    // The patches are live: code that reaches for these built-ins now gets the reader's versions
    // (push adds an entry, and the spread inside it one more through the patched iterator).
    const probe: unknown[] = [];
    probe.push(1);
    const seen = { pushed: probe.length, sliced: 'abc'.slice(1), json: JSON.stringify(1) };

    const patched = recording();
    try {
      oneOfEach(patched.recorder);
    } finally {
      // Restored before anything else runs: the test runner uses these built-ins too.
      while (restore.length > 0) restore.pop()?.();
    }

    expect(seen).toEqual({ pushed: 3, sliced: 'pwned bc', json: '"forged"' });
    expect(taken).toBe(0);
    expect(patched.events.slice(0, clean.events.length)).toEqual(clean.events);
    expect(patched.refused).toEqual(clean.refused);
  });

  it('keeps list entries its own when a setter is defined on Array.prototype[0]', () => {
    const clean = recording();
    oneOfEach(clean.recorder);
    let stolen = 0;
    restore.push(() => Reflect.deleteProperty(Array.prototype, '0'));
    Reflect.defineProperty(Array.prototype, '0', {
      set: () => (stolen += 1),
      get: () => undefined,
      configurable: true,
    });
    const patched = recording();
    try {
      oneOfEach(patched.recorder);
    } finally {
      while (restore.length > 0) restore.pop()?.();
    }
    expect(stolen).toBe(0);
    expect(patched.events).toEqual(clean.events);
  });
});

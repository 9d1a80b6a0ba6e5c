import { describe, expect, it } from 'vitest';
import { parseRunnerMessage } from '../runtime/protocol';
import type { TraceEvent } from './events';
import { isTraceEvent, traceEventProblem } from './validate';

const base = { t: 1.5, exchange: 'h1', from: 'client', to: 'server' };
/** One well-formed event of every kind, with every optional field set where a kind has them. */
const valid: TraceEvent[] = [
  {
    ...base,
    kind: 'request',
    method: 'POST',
    url: 'http://server.test/a',
    headers: [['content-type', 'text/plain']],
    bodySize: 2,
    bodyPreview: 'hi',
  },
  { ...base, kind: 'response', status: 200, statusText: 'OK', headers: [] },
  { ...base, kind: 'body-chunk', size: 2, preview: 'hi' },
  { ...base, kind: 'body-end', size: 2 },
  { ...base, kind: 'sse-event', id: '1', event: 'tick', data: 'x', retry: 1000, comment: 'c' },
  { ...base, kind: 'ws-open', url: 'ws://server.test/', headers: [] },
  { ...base, kind: 'ws-message', size: 1, preview: 'x', binary: false },
  { ...base, kind: 'ws-close', code: 1000, reason: '' },
  { ...base, kind: 'error', message: 'server threw: boom' },
  { ...base, kind: 'abort' },
];

describe('isTraceEvent', () => {
  it.each(valid.map((event) => [event.kind, event] as const))(
    'accepts a well-formed %s',
    (_, event) => {
      expect(traceEventProblem(event)).toBeUndefined();
      expect(isTraceEvent(event)).toBe(true);
    },
  );

  // Every field of every kind is required (optional SSE fields aside): dropping any one is refused.
  const required = valid.flatMap((event) =>
    Object.keys(event)
      .filter(
        (field) =>
          event.kind !== 'sse-event' || !['id', 'event', 'retry', 'comment'].includes(field),
      )
      .map((field) => [event.kind, field, event] as const),
  );
  it.each(required)('refuses a %s without %s', (_, field, event) => {
    const broken = Object.fromEntries(Object.entries(event).filter(([name]) => name !== field));
    expect(isTraceEvent(broken)).toBe(false);
  });

  it.each([
    ['a request', { ...valid[0], bodyBase64: btoa('hi') }],
    ['a chunk', { ...valid[2], base64: btoa('hi') }],
    ['a chunk cut by the caps', { ...valid[2], base64: btoa('h') }],
    ['a frame that kept none of its bytes', { ...valid[6], base64: '' }],
  ])('accepts the bytes a trace keeps of %s', (_, event) => {
    expect(traceEventProblem(event)).toBeUndefined();
  });

  it.each([
    ['an unknown kind', { ...base, kind: 'teleport' }],
    ['a kind from the prototype', { ...base, kind: 'toString' }],
    ['a negative size', { ...base, kind: 'body-end', size: -1 }],
    ['a fractional size', { ...base, kind: 'body-end', size: 1.5 }],
    ['a status out of range', { ...valid[1], status: 42 }],
    ['a status given as text', { ...valid[1], status: '200' }],
    ['headers that are not pairs', { ...valid[1], headers: [['a']] }],
    ['a preview longer than any body preview', { ...valid[2], preview: 'x'.repeat(5000) }],
    ['a binary flag given as text', { ...valid[6], binary: 'no' }],
    ['body bytes that are not base64', { ...valid[2], base64: 'aGk*' }],
    ['body bytes padded in the middle', { ...valid[2], base64: 'aA==aGk=' }],
    ['more body bytes than the size', { ...valid[2], base64: btoa('hi!') }],
    ['body bytes past a body’s cap', { ...valid[6], size: 1e6, base64: 'AAAA'.repeat(30_000) }],
    ['body bytes of a request without a body', { ...valid[0], bodySize: 0, bodyBase64: '' }],
    ['body bytes given as a number', { ...valid[0], bodyBase64: 1 }],
    ['a time that is not a number', { ...valid[9], t: Number.NaN }],
    ['an empty host name', { ...valid[9], from: '' }],
  ])('refuses %s', (_, event) => {
    expect(isTraceEvent(event)).toBe(false);
  });
});

describe('events arriving over the frame port', () => {
  it('reach the page when every event is well-formed', () => {
    expect(parseRunnerMessage({ type: 'trace', run: 1, events: valid })).toEqual({
      type: 'trace',
      run: 1,
      events: valid,
    });
  });

  it('never reach the trace model when malformed: the event is left out and counted', () => {
    const events = [...valid, { ...base, kind: 'response', status: 200 }];
    expect(parseRunnerMessage({ type: 'trace', run: 1, events })).toEqual({
      type: 'trace',
      run: 1,
      events: valid,
      malformed: 1,
    });
  });
});

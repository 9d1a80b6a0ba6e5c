/**
 * Fixtures and lookups shared by the trace model's tests (trace-model.test.ts, wire-form.test.ts):
 * the request–response sandbox's first exchange as the page records it.
 */
import type { TraceEvent } from './events';
import type { HostCounters, WireForm } from './model-types';
import type { TraceModel } from './trace-model';
import { wireForm } from './wire-form';

/** Element `i`, or a failed test that says which one was missing. */
export function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined)
    throw new Error(`expected an element at ${i}, but the list has ${list.length}`);
  return value;
}
export function wireAt(model: TraceModel, i: number): WireForm {
  const wire = wireForm(model, i);
  if (!wire) throw new Error(`expected a wire form for message ${i}`);
  return wire;
}
export function hostOf(model: TraceModel, host: string): HostCounters {
  const counters = model.counters.get(host);
  if (!counters) throw new Error(`expected counters for ${host}`);
  return counters;
}

export const BODY = '{"fileName":"cat.png","sizeBytes":48213}';
export const STORED = '{"id":1,"fileName":"cat.png","sizeBytes":48213}';

/** The request–response sandbox's first exchange, as the page records it. */
export const upload: TraceEvent[] = [
  {
    kind: 'request',
    t: 12.3,
    exchange: 'h1',
    from: 'client',
    to: 'server',
    method: 'POST',
    url: 'http://server.test/uploads',
    headers: [
      ['host', 'server.test'],
      ['content-type', 'application/json'],
      ['content-length', '40'],
    ],
    bodySize: 40,
    bodyPreview: BODY,
  },
  {
    kind: 'response',
    t: 13,
    exchange: 'h1',
    from: 'server',
    to: 'client',
    status: 201,
    statusText: 'Created',
    headers: [
      ['content-type', 'application/json'],
      ['location', '/uploads/1'],
      ['content-length', '47'],
    ],
  },
  {
    kind: 'body-chunk',
    t: 13.5,
    exchange: 'h1',
    from: 'server',
    to: 'client',
    size: 47,
    preview: STORED,
  },
  { kind: 'body-end', t: 13.6, exchange: 'h1', from: 'server', to: 'client', size: 47 },
];

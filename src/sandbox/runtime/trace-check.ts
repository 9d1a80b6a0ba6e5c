/**
 * One check per trace event kind, for events that arrive from the sandbox runner: every field of the
 * kind present with its type, strings bounded. The page draws and judges only events that pass.
 */
import { PREVIEW_LIMIT, type TraceEvent, type TraceKind } from '../trace/events';

type FieldType = 'string' | 'number' | 'boolean' | 'headers';
/** A field's type; a trailing `?` marks a field the event may leave out. */
type FieldSpec = FieldType | `${FieldType}?`;

/** Longest name, URL, reason or header value accepted, in characters (previews have their own limit). */
const MAX_TEXT = 8192;
/** Most headers one message may carry. */
const MAX_HEADERS = 200;
/** A preview is at most PREVIEW_LIMIT characters plus the "…" that marks a cut. */
const MAX_PREVIEW = PREVIEW_LIMIT + 1;

const FIELDS: Record<TraceKind, Record<string, FieldSpec>> = {
  request: {
    method: 'string',
    url: 'string',
    headers: 'headers',
    bodySize: 'number',
    bodyPreview: 'string',
  },
  response: { status: 'number', statusText: 'string', headers: 'headers' },
  'body-chunk': { size: 'number', preview: 'string' },
  'body-end': { size: 'number' },
  'sse-event': {
    id: 'string?',
    event: 'string?',
    data: 'string',
    retry: 'number?',
    comment: 'string?',
  },
  'ws-open': { url: 'string' },
  'ws-message': { size: 'number', preview: 'string', binary: 'boolean' },
  'ws-close': { code: 'number', reason: 'string' },
  error: { message: 'string' },
  abort: {},
};

const BASE: Record<string, FieldSpec> = {
  t: 'number',
  exchange: 'string',
  from: 'string',
  to: 'string',
};

/** SSE event data is kept whole by the recorder, so it gets a larger (still bounded) limit. */
const MAX_SSE_DATA = 65_536;
const LIMITS: Record<string, number> = {
  bodyPreview: MAX_PREVIEW,
  preview: MAX_PREVIEW,
  data: MAX_SSE_DATA,
};

function fits(value: unknown, type: FieldType, field: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= (LIMITS[field] ?? MAX_TEXT);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'headers':
      return (
        Array.isArray(value) &&
        value.length <= MAX_HEADERS &&
        value.every(
          (pair) =>
            Array.isArray(pair) &&
            pair.length === 2 &&
            pair.every((part) => typeof part === 'string' && part.length <= MAX_TEXT),
        )
      );
  }
}

function matches(event: Record<string, unknown>, fields: Record<string, FieldSpec>): boolean {
  return Object.entries(fields).every(([field, spec]) => {
    const optional = spec.endsWith('?');
    const value = event[field];
    if (optional && value === undefined) return true;
    return fits(value, spec.replace('?', '') as FieldType, field);
  });
}

/**
 * True when `value` is a well-formed trace event of a known kind.
 *
 * @example
 * isTraceEvent({ kind: 'abort', t: 3, exchange: 'h1', from: 'client', to: 'server' }) // true
 * isTraceEvent({ kind: 'request', t: 1, exchange: 'h1', from: 'a', to: 'b', headers: 'x' }) // false
 */
export function isTraceEvent(value: unknown): value is TraceEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const event = value as Record<string, unknown>;
  const kind = event.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) return false;
  return matches(event, BASE) && matches(event, FIELDS[kind as TraceKind]);
}

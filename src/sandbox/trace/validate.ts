/**
 * One validator per trace event kind. The page runs every event that arrives over the frame's port
 * through `isTraceEvent` (reader code shares the worker, so it can post anything), and tests use it to
 * check what the page and Node record. Bounds keep a hostile event from costing the page memory.
 */
import { PREVIEW_LIMIT, type TraceEvent, type TraceKind } from './events';

/** Longest host name, exchange id, method or header name kept. */
const MAX_NAME = 256;
/** Longest URL, header value, SSE field, error message or close reason kept. */
const MAX_TEXT = 64 * 1024;
/** Most headers one request or response may list. */
const MAX_HEADERS = 500;

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME;
const isText = (value: unknown, max = MAX_TEXT): value is string =>
  typeof value === 'string' && value.length <= max;
const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isPreview = (value: unknown): value is string => isText(value, PREVIEW_LIMIT + 1);
const isOptionalText = (value: unknown): boolean => value === undefined || isText(value);

function isHeaderList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length <= MAX_HEADERS &&
    value.every(
      (pair) => Array.isArray(pair) && pair.length === 2 && isName(pair[0]) && isText(pair[1]),
    )
  );
}

/** The fields every kind has: when, which exchange, who sent it and who receives it. */
function hasBase(event: Fields): boolean {
  return (
    typeof event.t === 'number' &&
    Number.isFinite(event.t) &&
    event.t >= 0 &&
    isName(event.exchange) &&
    isName(event.from) &&
    isName(event.to)
  );
}

/** The fields each kind adds to the base, checked on their own. */
const KIND_FIELDS: Record<TraceKind, (event: Fields) => boolean> = {
  request: (event) =>
    isName(event.method) &&
    isText(event.url) &&
    isHeaderList(event.headers) &&
    isSize(event.bodySize) &&
    isPreview(event.bodyPreview),
  response: (event) =>
    isSize(event.status) &&
    (event.status as number) >= 100 &&
    (event.status as number) <= 999 &&
    isText(event.statusText, MAX_NAME) &&
    isHeaderList(event.headers),
  'body-chunk': (event) => isSize(event.size) && isPreview(event.preview),
  'body-end': (event) => isSize(event.size),
  'sse-event': (event) =>
    isText(event.data) &&
    isOptionalText(event.id) &&
    isOptionalText(event.event) &&
    isOptionalText(event.comment) &&
    (event.retry === undefined || isSize(event.retry)),
  'ws-open': (event) => isText(event.url) && isHeaderList(event.headers),
  'ws-message': (event) =>
    isSize(event.size) && isPreview(event.preview) && typeof event.binary === 'boolean',
  'ws-close': (event) =>
    isSize(event.code) && (event.code as number) <= 4999 && isText(event.reason),
  error: (event) => isText(event.message),
  abort: () => true,
};

/**
 * True when `value` is exactly one trace event kind with all of its fields well-formed and bounded.
 *
 * @example
 * isTraceEvent({ kind: 'abort', t: 1, exchange: 'h1', from: 'client', to: 'server' }); // true
 * isTraceEvent({ kind: 'response', t: 1, exchange: 'h1', from: 'server', to: 'client' }); // false: no status
 */
export function isTraceEvent(value: unknown): value is TraceEvent {
  if (!isRecord(value) || typeof value.kind !== 'string' || !hasBase(value)) return false;
  const check = Object.hasOwn(KIND_FIELDS, value.kind)
    ? KIND_FIELDS[value.kind as TraceKind]
    : undefined;
  return check !== undefined && check(value);
}

/**
 * Why `value` is not a trace event, or undefined when it is one; for test messages and logs.
 *
 * @example
 * traceEventProblem({ kind: 'teleport' }); // 'unknown kind "teleport"'
 */
export function traceEventProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not an object';
  if (typeof value.kind !== 'string' || !Object.hasOwn(KIND_FIELDS, value.kind))
    return `unknown kind ${JSON.stringify(value.kind)}`;
  if (!hasBase(value)) return `${value.kind}: bad t, exchange, from or to`;
  return isTraceEvent(value) ? undefined : `${value.kind}: a field is missing or malformed`;
}

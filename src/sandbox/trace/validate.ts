/**
 * One validator per trace event kind. The recorder runs every event it builds through
 * `isTraceEvent`, the page runs every event that arrives over the frame's port through it (reader
 * code shares the worker, so it can post anything), and tests use it to check what the page and Node
 * record. Bounds keep a hostile event from costing the page memory. Fields are read as own
 * properties with captured built-ins (intrinsics.ts), so a patched prototype changes no verdict.
 */
import {
  base64Length,
  BODY_BYTES,
  PREVIEW_LIMIT,
  TRACE_LIMITS,
  type TraceEvent,
  type TraceKind,
} from './events.ts';
import {
  hasOwn,
  isArray,
  isFinite,
  isSafeInteger,
  jsonStringify,
  own,
  stringCharCodeAt,
} from './intrinsics.ts';

type Fields = Record<string, unknown>;
/** A field of the event, read only as its own property. */
type Field = (name: string) => unknown;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !isArray(value);
const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= TRACE_LIMITS.name;
const isText = (value: unknown, max: number = TRACE_LIMITS.text): value is string =>
  typeof value === 'string' && value.length <= max;
const isSize = (value: unknown): value is number =>
  typeof value === 'number' && isSafeInteger(value) && value >= 0;
const isPreview = (value: unknown): value is string => isText(value, PREVIEW_LIMIT + 1);
const isOptionalText = (value: unknown): boolean => value === undefined || isText(value);
const isInRange = (value: unknown, min: number, max: number): boolean =>
  isSize(value) && value >= min && value <= max;

/** True for a base64 character: A–Z, a–z, 0–9, + or /. */
const isBase64Char = (code: number): boolean =>
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  (code >= 48 && code <= 57) ||
  code === 43 ||
  code === 47;

/**
 * True when `value` is padded base64 of at most `size` bytes and at most a body's cap
 * (BODY_BYTES.body): the bytes kept of a body part of `size` bytes. Absent is allowed, as in
 * traces recorded before the trace kept bytes.
 */
function isBodyBytes(value: unknown, size: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'string' || !isSize(size)) return false;
  const { length } = value;
  if (length % 4 !== 0 || length > base64Length(BODY_BYTES.body)) return false;
  let padding = 0;
  for (let i = 0; i < length; i++) {
    const code = stringCharCodeAt(value, i);
    if (code === 61 && i >= length - 2) padding += 1;
    else if (padding > 0 || !isBase64Char(code)) return false;
  }
  return (length / 4) * 3 - padding <= size;
}

function isHeaderList(value: unknown): boolean {
  if (!isArray(value) || value.length > TRACE_LIMITS.headers) return false;
  for (let i = 0; i < value.length; i++) {
    const pair: unknown = own(value, `${i}`);
    if (!isArray(pair) || pair.length !== 2) return false;
    if (!isName(own(pair, '0')) || !isText(own(pair, '1'))) return false;
  }
  return true;
}

/** The fields every kind has: when, which exchange, who sent it and who receives it. */
function hasBase(field: Field): boolean {
  const t = field('t');
  const clipped = field('clipped');
  return (
    typeof t === 'number' &&
    isFinite(t) &&
    t >= 0 &&
    isName(field('exchange')) &&
    isName(field('from')) &&
    isName(field('to')) &&
    (clipped === undefined || clipped === true)
  );
}

/** The fields each kind adds to the base, checked on their own. */
const KIND_FIELDS: Record<TraceKind, (field: Field) => boolean> = {
  request: (field) =>
    isName(field('method')) &&
    isText(field('url')) &&
    isHeaderList(field('headers')) &&
    isSize(field('bodySize')) &&
    isPreview(field('bodyPreview')) &&
    // A request without a body has no bytes to keep; one with a body may come from an older trace.
    isBodyBytes(field('bodyBase64'), field('bodySize')) &&
    (field('bodySize') !== 0 || field('bodyBase64') === undefined),
  response: (field) =>
    isInRange(field('status'), 100, 999) &&
    isText(field('statusText'), TRACE_LIMITS.name) &&
    isHeaderList(field('headers')),
  'body-chunk': (field) =>
    isSize(field('size')) &&
    isPreview(field('preview')) &&
    isBodyBytes(field('base64'), field('size')),
  'body-end': (field) => isSize(field('size')),
  'sse-event': (field) =>
    isText(field('data')) &&
    isOptionalText(field('id')) &&
    isOptionalText(field('event')) &&
    isOptionalText(field('comment')) &&
    (field('retry') === undefined || isSize(field('retry'))),
  'ws-open': (field) => isText(field('url')) && isHeaderList(field('headers')),
  'ws-message': (field) =>
    isSize(field('size')) &&
    isPreview(field('preview')) &&
    typeof field('binary') === 'boolean' &&
    isBodyBytes(field('base64'), field('size')),
  'ws-close': (field) => isInRange(field('code'), 0, 4999) && isText(field('reason')),
  error: (field) => isText(field('message')),
  abort: () => true,
};

/** The check of `value`'s kind, when `value` has a known kind of its own. */
function kindCheck(value: Fields): ((field: Field) => boolean) | undefined {
  const kind = own(value, 'kind');
  return typeof kind === 'string' && hasOwn(KIND_FIELDS, kind)
    ? KIND_FIELDS[kind as TraceKind]
    : undefined;
}

/**
 * True when `value` is exactly one trace event kind with all of its fields well-formed and bounded.
 *
 * @example
 * isTraceEvent({ kind: 'abort', t: 1, exchange: 'h1', from: 'client', to: 'server' }); // true
 * isTraceEvent({ kind: 'response', t: 1, exchange: 'h1', from: 'server', to: 'client' }); // false: no status
 */
export function isTraceEvent(value: unknown): value is TraceEvent {
  if (!isRecord(value)) return false;
  const check = kindCheck(value);
  const field: Field = (name) => own(value, name);
  return check !== undefined && hasBase(field) && check(field);
}

/**
 * Why `value` is not a trace event, or undefined when it is one; for test messages and logs.
 *
 * @example
 * traceEventProblem({ kind: 'teleport' }); // 'unknown kind "teleport"'
 */
export function traceEventProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not an object';
  const kind = own(value, 'kind');
  if (kindCheck(value) === undefined) return `unknown kind ${jsonStringify(kind)}`;
  if (!hasBase((name) => own(value, name))) return `${kind as string}: bad t, exchange, from or to`;
  return isTraceEvent(value) ? undefined : `${kind as string}: a field is missing or malformed`;
}

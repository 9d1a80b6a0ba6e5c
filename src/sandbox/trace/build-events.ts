/**
 * One builder per trace event kind: from what crossed the network (bytes, header pairs, codes) to the
 * event the trace keeps, with every field cut to the validator's bounds ({@link TRACE_LIMITS}) and
 * the event marked `clipped` when anything was cut. The recorder (recorder.ts) stamps and checks
 * what these return. Written with captured built-ins only (see intrinsics.ts).
 */
import { base64Of, bodyPreview, TRACE_LIMITS, type HeaderList, type TraceEvent } from './events.ts';
import { append, byteLength, hasOwn, isArray, own, stringSlice, utf8 } from './intrinsics.ts';

/** Who sent an event to whom, within which exchange. */
export interface Route {
  exchange: string;
  from: string;
  to: string;
}

/** What every builder gets: the route and time, and a flag it raises when it cuts a field. */
export interface Draft extends Route {
  t: number;
  clipped: boolean;
}

type Kind = TraceEvent['kind'];
type EventOf<K extends Kind> = Extract<TraceEvent, { kind: K }>;

/** `text` cut to `max` characters ("…" standing for the rest), and the draft marked clipped. */
function clip(draft: Draft, text: string, max: number): string {
  if (text.length <= max) return text;
  draft.clipped = true;
  return `${stringSlice(text, 0, max - 1)}…`;
}
const clipName = (draft: Draft, text: string): string =>
  clip(draft, text === '' ? '?' : text, TRACE_LIMITS.name);
const clipText = (draft: Draft, text: string): string => clip(draft, text, TRACE_LIMITS.text);

/** A copy of `headers` (never the caller's arrays), cut to the bounds. */
function clipHeaders(draft: Draft, headers: HeaderList): HeaderList {
  const copy: HeaderList = [];
  const count = headers.length > TRACE_LIMITS.headers ? TRACE_LIMITS.headers : headers.length;
  if (count < headers.length) draft.clipped = true;
  for (let i = 0; i < count; i++) {
    const pair = hasOwn(headers, i) ? headers[i] : undefined;
    if (!isArray(pair)) continue;
    append(copy, [clipName(draft, `${pair[0]}`), clipText(draft, `${pair[1]}`)]);
  }
  return copy;
}

/** The event with the base fields; `clipped: true` only when a builder cut something. */
function finish<K extends Kind>(draft: Draft, fields: Omit<EventOf<K>, keyof Draft>): EventOf<K> {
  const base = {
    t: draft.t,
    exchange: clipName(draft, draft.exchange),
    from: clipName(draft, draft.from),
    to: clipName(draft, draft.to),
  };
  const event = { ...base, ...fields } as EventOf<K>;
  return draft.clipped ? { ...event, clipped: true } : event;
}

/** A WebSocket message as sent: the UTF-8 of a text frame, a binary frame as it is. */
export const messageBytes = (data: string | Uint8Array): Uint8Array =>
  typeof data === 'string' ? utf8(data) : data;

/**
 * How many of a body part's `size` bytes the trace keeps exactly, as base64: the recorder's caps
 * (BODY_BYTES in events.ts) decide, and count what it keeps.
 */
export type Keep = (size: number) => number;

/** A request, with its body's bytes as `bodyBase64` when there is a body. */
export function buildRequest(
  draft: Draft,
  fields: { method: string; url: string; headers: HeaderList; body: Uint8Array | null },
  keep: Keep,
): EventOf<'request'> {
  const { body } = fields;
  const size = body ? byteLength(body) : 0;
  return finish<'request'>(draft, {
    kind: 'request',
    method: clipName(draft, fields.method),
    url: clipText(draft, fields.url),
    headers: clipHeaders(draft, fields.headers),
    bodySize: size,
    bodyPreview: body ? bodyPreview(body) : '',
    ...(body && size > 0 ? { bodyBase64: base64Of(body, keep(size)) } : {}),
  });
}

export const buildResponse = (
  draft: Draft,
  fields: { status: number; statusText: string; headers: HeaderList },
): EventOf<'response'> =>
  finish<'response'>(draft, {
    kind: 'response',
    status: fields.status,
    statusText: clip(draft, fields.statusText, TRACE_LIMITS.name),
    headers: clipHeaders(draft, fields.headers),
  });

/** Body bytes as they crossed, the ones `keep` allows as base64. */
export const buildBodyChunk = (
  draft: Draft,
  bytes: Uint8Array,
  keep: Keep,
): EventOf<'body-chunk'> =>
  finish<'body-chunk'>(draft, {
    kind: 'body-chunk',
    size: byteLength(bytes),
    preview: bodyPreview(bytes),
    base64: base64Of(bytes, keep(byteLength(bytes))),
  });

export const buildBodyEnd = (draft: Draft, size: number): EventOf<'body-end'> =>
  finish<'body-end'>(draft, { kind: 'body-end', size });

export function buildSseEvent(
  draft: Draft,
  fields: { id?: string; event?: string; data: string; retry?: number; comment?: string },
): EventOf<'sse-event'> {
  // Optional fields are read as own properties: one on Object.prototype is not the stream's.
  const id = own(fields, 'id') as string | undefined;
  const event = own(fields, 'event') as string | undefined;
  const retry = own(fields, 'retry') as number | undefined;
  const comment = own(fields, 'comment') as string | undefined;
  // Spread, not assignment: a setter on Object.prototype would take an assigned field.
  return finish<'sse-event'>(draft, {
    kind: 'sse-event',
    data: clipText(draft, fields.data),
    ...(id === undefined ? {} : { id: clipText(draft, id) }),
    ...(event === undefined ? {} : { event: clipText(draft, event) }),
    ...(retry === undefined ? {} : { retry }),
    ...(comment === undefined ? {} : { comment: clipText(draft, comment) }),
  });
}

export const buildWsOpen = (
  draft: Draft,
  fields: { url: string; headers: HeaderList },
): EventOf<'ws-open'> =>
  finish<'ws-open'>(draft, {
    kind: 'ws-open',
    url: clipText(draft, fields.url),
    headers: clipHeaders(draft, fields.headers),
  });

/** A WebSocket message, the bytes `keep` allows (a text frame's UTF-8) as base64. */
export function buildWsMessage(
  draft: Draft,
  data: string | Uint8Array,
  binary: boolean,
  keep: Keep,
): EventOf<'ws-message'> {
  const bytes = messageBytes(data);
  const size = byteLength(bytes);
  return finish<'ws-message'>(draft, {
    kind: 'ws-message',
    size,
    preview: bodyPreview(data),
    binary,
    base64: base64Of(bytes, keep(size)),
  });
}

export const buildWsClose = (draft: Draft, code: number, reason: string): EventOf<'ws-close'> =>
  finish<'ws-close'>(draft, { kind: 'ws-close', code, reason: clipText(draft, reason) });

export const buildError = (draft: Draft, message: string): EventOf<'error'> =>
  finish<'error'>(draft, { kind: 'error', message: clipText(draft, message) });

export const buildAbort = (draft: Draft): EventOf<'abort'> =>
  finish<'abort'>(draft, { kind: 'abort' });

/**
 * Turns a HAR file (from any browser's DevTools, Playwright's recordHar, or this site's Export) into
 * the project's trace events, so the traffic view can draw traffic the reader recorded elsewhere.
 * Tolerant of what real exporters omit, strict about what it needs; every failure is a sentence a
 * reader can act on. Pure and environment-neutral.
 */
import { PREVIEW_LIMIT, bodyPreview, type HeaderList, type TraceEvent } from './events';
import { BCP_TRACE_VERSION, isTextMime } from './har-export';
import { traceEventProblem } from './validate';

/** A file that is not a HAR the viewer can draw; `message` says why in plain words. */
export class HarImportError extends Error {
  override name = 'HarImportError';
}

export interface ImportedTrace {
  /** Events in time order, `t` in ms from the first entry. */
  events: TraceEvent[];
  /** Lifelines: the client first, then servers in order of first contact. */
  hosts: string[];
  /** When the first entry started (ISO 8601). */
  startedAt: string;
  /** Things the reader should know (entries skipped, events cut), as sentences. */
  notes: string[];
}

/** Most events drawn from one file; more would make the page sluggish for no gain in understanding. */
export const MAX_EVENTS = 50_000;
/** Lifeline of the browser (or tool) that made the requests, when the HAR does not name one. */
export const HAR_CLIENT = 'browser';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : -1;

function headerList(value: unknown): HeaderList {
  if (!Array.isArray(value)) return [];
  // HTTP/2 and HTTP/3 pseudo-headers (":method") are not header lines; the wire view draws HTTP/1.1.
  return value.flatMap((item): HeaderList =>
    isObject(item) && typeof item.name === 'string' && !item.name.startsWith(':')
      ? [[item.name, text(item.value)]]
      : [],
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

function decodeBase64(data: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** A body's size and preview from HAR content (text, maybe base64). */
function body(content: Json, size: number): { size: number; preview: string } {
  const mimeType = text(content.mimeType);
  const raw = text(content.text);
  const bytes = content.encoding === 'base64' ? decodeBase64(raw) : undefined;
  const length = bytes ? bytes.byteLength : new TextEncoder().encode(raw).byteLength;
  const total = size >= 0 ? Math.max(size, length) : length;
  if (bytes && !isTextMime(mimeType))
    return { size: total, preview: `(binary, ${total} bytes, ${mimeType || 'no type'})` };
  return { size: total, preview: bodyPreview(bytes ?? raw) };
}

/** Milliseconds of the timings before the response started: blocked, dns, connect, send, wait. */
function waitBefore(timings: Json): number {
  let total = 0;
  for (const name of ['blocked', 'dns', 'connect', 'send', 'wait'])
    total += Math.max(0, num(timings[name]));
  return total;
}

/** An event whose `t` is still absolute (ms since the epoch), until the trace is laid out. */
type Draft = TraceEvent;

function httpEvents(entry: Json, id: string, at: number, client: string, server: string): Draft[] {
  const request = isObject(entry.request) ? entry.request : {};
  const response = isObject(entry.response) ? entry.response : {};
  const timings = isObject(entry.timings) ? entry.timings : {};
  const url = text(request.url);
  const postData = isObject(request.postData) ? request.postData : undefined;
  const sent = postData ? body(postData, num(request.bodySize)) : { size: 0, preview: '' };
  const base = { exchange: id };
  const out: Draft[] = [];
  const push = (draft: Draft): void => void out.push(draft);
  push({
    ...base,
    kind: 'request',
    t: at,
    from: client,
    to: server,
    method: text(request.method) || 'GET',
    url,
    headers: headerList(request.headers),
    bodySize: sent.size,
    bodyPreview: sent.preview,
  });
  const status = num(response.status);
  const respondedAt = at + waitBefore(timings);
  const endedAt = Math.max(
    respondedAt,
    at + Math.max(0, num(entry.time)),
    respondedAt + Math.max(0, num(timings.receive)),
  );
  if (status <= 0) {
    const reason =
      text(response._error) || text(entry._error) || 'No response was recorded (status 0).';
    push({ ...base, kind: 'error', t: endedAt, from: server, to: client, message: reason });
    return out;
  }
  push({
    ...base,
    kind: 'response',
    t: respondedAt,
    from: server,
    to: client,
    status,
    statusText: text(response.statusText),
    headers: headerList(response.headers),
  });
  const content = isObject(response.content) ? response.content : {};
  const received = body(content, Math.max(num(content.size), num(response.bodySize)));
  if (received.size > 0)
    push({
      ...base,
      kind: 'body-chunk',
      t: endedAt,
      from: server,
      to: client,
      size: received.size,
      preview: received.preview,
    });
  push({
    ...base,
    kind: 'body-end',
    t: endedAt,
    from: server,
    to: client,
    size: Math.max(0, received.size),
  });
  return out;
}

function wsEvents(entry: Json, id: string, at: number, client: string, server: string): Draft[] {
  const request = isObject(entry.request) ? entry.request : {};
  const response = isObject(entry.response) ? entry.response : {};
  const base = { exchange: id };
  const out: Draft[] = [
    {
      ...base,
      kind: 'ws-open',
      t: at,
      from: client,
      to: server,
      url: text(request.url),
      headers: headerList(request.headers),
    },
  ];
  // The handshake's answer, when the HAR has one (DevTools writes 101 with its headers).
  const status = num(response.status);
  if (status >= 100 && status <= 999)
    out.push({
      ...base,
      kind: 'response',
      t: at,
      from: server,
      to: client,
      status,
      statusText: text(response.statusText),
      headers: headerList(response.headers),
    });
  const messages = Array.isArray(entry._webSocketMessages) ? entry._webSocketMessages : [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const opcode = num(message.opcode);
    if (opcode !== 1 && opcode !== 2) continue;
    const data = text(message.data);
    const bytes = opcode === 2 ? decodeBase64(data) : undefined;
    const sent = message.type === 'send';
    out.push({
      ...base,
      kind: 'ws-message',
      t: num(message.time) >= 0 ? num(message.time) * 1000 : at,
      from: sent ? client : server,
      to: sent ? server : client,
      size: bytes ? bytes.byteLength : new TextEncoder().encode(data).byteLength,
      preview: bytes ? `(binary, ${bytes.byteLength} bytes)` : bodyPreview(data),
      binary: opcode === 2,
    });
  }
  const close = isObject(entry._webSocketClose) ? entry._webSocketClose : undefined;
  if (close) {
    const sent = close.type === 'send';
    out.push({
      ...base,
      kind: 'ws-close',
      t: num(close.time) >= 0 ? num(close.time) * 1000 : at,
      from: sent ? client : server,
      to: sent ? server : client,
      code: num(close.code),
      reason: text(close.reason).slice(0, PREVIEW_LIMIT),
    });
  }
  return out;
}

function isWebSocket(entry: Json): boolean {
  const url = isObject(entry.request) ? text(entry.request.url) : '';
  return (
    entry._resourceType === 'websocket' ||
    Array.isArray(entry._webSocketMessages) ||
    /^wss?:/i.test(url)
  );
}

function parse(source: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(source.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new HarImportError(
      `This file is not JSON, so it is not a HAR file (${(error as Error).message}).`,
    );
  }
  if (!isObject(doc) || !isObject(doc.log))
    throw new HarImportError(
      'This JSON has no "log" object, so it is not a HAR file. Export one from the Network panel of your browser’s developer tools ("Save all as HAR").',
    );
  if (!Array.isArray(doc.log.entries))
    throw new HarImportError(
      'This HAR file has no "log.entries" list, so there are no requests to draw.',
    );
  return doc.log;
}

/** Lifelines in order of first appearance, the first sender first. */
function hostsOf(events: readonly TraceEvent[]): string[] {
  const hosts: string[] = [];
  for (const event of events)
    for (const host of [event.from, event.to]) if (!hosts.includes(host)) hosts.push(host);
  return hosts;
}

/**
 * The site's own events under `log._bcpTrace`, which carry what HAR cannot (SSE fields, errors,
 * aborts, close codes): used when every event is valid, else the HAR entries are drawn and a note
 * says why.
 */
function embeddedTrace(log: Json, startedAt: string): ImportedTrace | string | undefined {
  const own = log._bcpTrace;
  if (own === undefined) return undefined;
  if (!isObject(own) || own.version !== BCP_TRACE_VERSION || !Array.isArray(own.events))
    return `Its embedded sandbox trace is not version ${BCP_TRACE_VERSION}, so the HAR entries are drawn instead.`;
  if (own.events.length === 0 || own.events.length > MAX_EVENTS)
    return `Its embedded sandbox trace holds ${own.events.length} events (1 to ${MAX_EVENTS} can be drawn), so the HAR entries are drawn instead.`;
  for (const [index, event] of own.events.entries()) {
    const problem = traceEventProblem(event);
    if (problem)
      return `Event ${index + 1} of its embedded sandbox trace is malformed (${problem}), so the HAR entries are drawn instead.`;
  }
  const events = own.events as TraceEvent[];
  return { events, hosts: hostsOf(events), startedAt, notes: [] };
}

/**
 * The trace events of a HAR document given as text. A HAR this site exported reopens losslessly
 * from the events it carries under `log._bcpTrace`.
 *
 * @throws {HarImportError} when the text is not a HAR file or holds no request the viewer can draw.
 */
export function harToTrace(source: string): ImportedTrace {
  const log = parse(source);
  const started = firstStart(log.entries as unknown[]);
  const own = Number.isNaN(started)
    ? undefined
    : embeddedTrace(log, new Date(started).toISOString());
  if (typeof own === 'object') return own;
  const drawn = entriesTrace(log.entries as unknown[]);
  if (own) drawn.notes.push(own);
  return drawn;
}

/** The start, in ms since the epoch, of the earliest entry that has a request URL (NaN if none). */
function firstStart(entries: unknown[]): number {
  let first = Number.NaN;
  for (const entry of entries) {
    if (!isObject(entry) || !isObject(entry.request) || !text(entry.request.url)) continue;
    const at = Date.parse(text(entry.startedDateTime));
    if (Number.isNaN(first) || at < first) first = at;
  }
  return first;
}

/** The trace drawn from the HAR entries themselves, as any exporter writes them. */
function entriesTrace(entries: unknown[]): ImportedTrace {
  const drafts: Draft[] = [];
  const servers: string[] = [];
  let skipped = 0;
  let clientName = HAR_CLIENT;
  entries.forEach((entry, index) => {
    const at = isObject(entry) ? Date.parse(text(entry.startedDateTime)) : Number.NaN;
    const request = isObject(entry) && isObject(entry.request) ? entry.request : undefined;
    if (!isObject(entry) || !request || !text(request.url) || Number.isNaN(at)) {
      skipped += 1;
      return;
    }
    const client = text(entry._from) || HAR_CLIENT;
    const server = text(entry._to) || hostOf(text(request.url));
    if (index === 0) clientName = client;
    if (!servers.includes(server)) servers.push(server);
    const make = isWebSocket(entry) ? wsEvents : httpEvents;
    const id = `${isWebSocket(entry) ? 'w' : 'h'}${index + 1}`;
    drafts.push(...make(entry, id, at, client, server));
  });
  if (drafts.length === 0)
    throw new HarImportError(
      entries.length === 0
        ? 'This HAR file has no requests in it.'
        : `None of the ${entries.length} entries has a request URL and a start time, so there is nothing to draw.`,
    );
  // Array sort is stable, so events of one instant keep their order (request, response, body).
  drafts.sort((a, b) => a.t - b.t);
  const first = drafts[0]?.t ?? 0;
  const notes: string[] = [];
  if (skipped > 0)
    notes.push(
      `${skipped} ${skipped === 1 ? 'entry was' : 'entries were'} skipped: no request URL or start time.`,
    );
  if (drafts.length > MAX_EVENTS)
    notes.push(`Only the first ${MAX_EVENTS} of ${drafts.length} events are drawn.`);
  const events = drafts
    .slice(0, MAX_EVENTS)
    .map((event) => ({ ...event, t: Math.round((event.t - first) * 1000) / 1000 }));
  const startedAt = new Date(first).toISOString();
  const hosts = [clientName, ...servers.filter((server) => server !== clientName)];
  for (const host of hostsOf(events)) if (!hosts.includes(host)) hosts.push(host);
  return { events, hosts, startedAt, notes };
}

/**
 * A run's trace as HAR 1.2 (the format Chrome DevTools, Firefox and HTTP Toolkit import): one entry
 * per HTTP exchange with headers, timings and bodies (base64 where binary), one entry per WebSocket
 * with its messages under `_webSocketMessages` as Chromium writes them. The project's own events
 * ride along under `log._bcpTrace`, so the trace viewer can reopen a sandbox export losslessly.
 * Pure and environment-neutral.
 */
import { BODY_BYTES, type HeaderList, type TraceEvent } from './events';
import { TraceModel } from './trace-model';
import { header, requestHeadBytes, responseHeadBytes, upgradeHeadBytes } from './wire-bytes';

export interface HarExportMeta {
  /** Sandbox id or title. */
  sandbox: string;
  /** When the run started (ISO 8601); entries start at this plus each event's `t`. */
  startedAt: string;
  /** Added latency per hop during the run, in milliseconds. */
  latencyMs?: number;
}

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
}

/** A WebSocket message as Chromium's HAR export writes it. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** Seconds since the epoch. */
  time: number;
  /** 1 text, 2 binary (data is base64). */
  opcode: 1 | 2;
  data: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string; comment?: string };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    _error?: string;
  };
  cache: Record<string, never>;
  timings: {
    blocked: number;
    dns: number;
    connect: number;
    send: number;
    wait: number;
    receive: number;
  };
  /** Which sandbox host opened the exchange and which answered (lifelines in the trace viewer). */
  _from: string;
  _to: string;
  _resourceType: 'fetch' | 'websocket';
  _webSocketMessages?: HarWebSocketMessage[];
  _webSocketClose?: { type: 'send' | 'receive'; time: number; code: number; reason: string };
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    comment: string;
    entries: HarEntry[];
    /** The run's own trace events, richer than HAR (SSE events, chunk timing, aborts). */
    _bcpTrace: { version: 1; events: TraceEvent[] };
  };
}

/** Version of the project's own event list inside a HAR (`log._bcpTrace.version`). */
export const BCP_TRACE_VERSION = 1;

const TEXT_MIME =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|x-ndjson)\b)/i;

/**
 * Bodies of these types are text. A body with no type is text only when its bytes are UTF-8
 * (the export checks); anything else that has bytes goes out as base64.
 */
export function isTextMime(mimeType: string): boolean {
  return TEXT_MIME.test(mimeType.trim());
}

/** Base64 of `bytes` (btoa exists in browsers and Node). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Base64 of the UTF-8 bytes of `text`. */
export const base64Utf8 = (text: string): string => base64(new TextEncoder().encode(text));

const fromBase64 = (data: string): Uint8Array =>
  Uint8Array.from(atob(data), (char) => char.charCodeAt(0));

/** `bytes` as text when they are UTF-8 (`partial`: they may stop inside a character), else undefined. */
function utf8Text(bytes: Uint8Array, partial: boolean): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial });
  } catch {
    return undefined;
  }
}

const pairs = (headers: HeaderList): HarNameValue[] =>
  headers.map(([name, value]) => ({ name, value }));

function queryString(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** A part of a body as the trace keeps it: its size, its preview and the bytes it kept (base64). */
interface BodyPart {
  size: number;
  preview: string;
  base64?: string | undefined;
}

/**
 * The first bytes of a body that the trace kept, up to the first part it kept short (its caps were
 * reached); undefined when a part kept no bytes field at all (a trace from before it kept bytes).
 */
function keptBytes(parts: BodyPart[]): Uint8Array | undefined {
  const kept: Uint8Array[] = [];
  for (const part of parts) {
    if (part.base64 === undefined) return part.size === 0 ? new Uint8Array() : undefined;
    const bytes = fromBase64(part.base64);
    kept.push(bytes);
    if (bytes.byteLength < part.size) break;
  }
  const all = new Uint8Array(kept.reduce((total, bytes) => total + bytes.byteLength, 0));
  kept.reduce((offset, bytes) => (all.set(bytes, offset), offset + bytes.byteLength), 0);
  return all;
}

/** A body from a trace that kept only previews: text as previewed, binary left out. */
function previewContent(parts: BodyPart[], result: HarContent, text: boolean): HarContent {
  if (!text) {
    result.comment = 'This trace kept only a text preview of this binary body, not its bytes.';
    return result;
  }
  result.text = parts.map((part) => part.preview).join('');
  if (new TextEncoder().encode(result.text).byteLength < result.size)
    result.comment = 'The sandbox trace kept a preview of each body part, not every byte.';
  return result;
}

/**
 * A body as HAR content from the bytes the trace kept: UTF-8 text of a text type (or of no type) as
 * text, anything else as base64; past the trace's caps, the first bytes and a comment with the size.
 */
function content(parts: BodyPart[], size: number, mimeType: string): HarContent {
  const result: HarContent = { size, mimeType };
  if (size === 0) return result;
  const bytes = keptBytes(parts);
  if (!bytes) return previewContent(parts, result, isTextMime(mimeType));
  const partial = bytes.byteLength < size;
  const text =
    mimeType.trim() === '' || isTextMime(mimeType) ? utf8Text(bytes, partial) : undefined;
  if (text === undefined) {
    result.text = base64(bytes);
    result.encoding = 'base64';
  } else result.text = text;
  if (partial)
    result.comment =
      `Truncated: the trace keeps the first ${BODY_BYTES.body / 1024} KiB of a body and ` +
      `${BODY_BYTES.run / 1024 / 1024} MiB of a run; this body's ${size} bytes lost all but ` +
      `the first ${bytes.byteLength}.`;
  return result;
}

/** A WebSocket message's data as Chromium writes it: text as is, binary as base64 of its bytes. */
function messageData(event: Extract<TraceEvent, { kind: 'ws-message' }>): string {
  const kept = event.base64;
  if (event.binary) return kept ?? base64Utf8(event.preview);
  const bytes = kept === undefined ? undefined : fromBase64(kept);
  const text = bytes && bytes.byteLength === event.size ? utf8Text(bytes, false) : undefined;
  return text ?? event.preview;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function wsEntry(model: TraceModel, id: string, start: number): HarEntry {
  const exchange = model.exchanges.get(id);
  if (!exchange) throw new Error(`no exchange ${id}`);
  const events = model.events.filter((event) => event.exchange === id);
  const found = events.find((event) => event.kind === 'ws-open');
  const open = found?.kind === 'ws-open' ? found : undefined;
  const close = events.find((event) => event.kind === 'ws-close');
  const { response } = exchange;
  const duration = round((exchange.end ?? model.elapsed) - exchange.start);
  const side = (from: string): 'send' | 'receive' =>
    from === exchange.client ? 'send' : 'receive';
  const entry: HarEntry = {
    startedDateTime: new Date(start + exchange.start).toISOString(),
    time: duration,
    request: {
      method: 'GET',
      url: open?.url ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(open?.headers ?? []),
      queryString: open ? queryString(open.url) : [],
      headersSize: open && open.headers.length > 0 ? upgradeHeadBytes(open) : -1,
      bodySize: 0,
    },
    response: {
      status: response?.status ?? 101,
      statusText: response?.statusText ?? 'Switching Protocols',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(response?.headers ?? []),
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: response ? responseHeadBytes(response) : -1,
      bodySize: 0,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: duration },
    _from: exchange.client,
    _to: exchange.server,
    _resourceType: 'websocket',
    _webSocketMessages: events.flatMap((event): HarWebSocketMessage[] =>
      event.kind === 'ws-message'
        ? [
            {
              type: side(event.from),
              time: (start + event.t) / 1000,
              opcode: event.binary ? 2 : 1,
              data: messageData(event),
            },
          ]
        : [],
    ),
  };
  if (close?.kind === 'ws-close')
    entry._webSocketClose = {
      type: side(close.from),
      time: (start + close.t) / 1000,
      code: close.code,
      reason: close.reason,
    };
  return entry;
}

function httpEntry(model: TraceModel, id: string, start: number): HarEntry {
  const exchange = model.exchanges.get(id);
  if (!exchange) throw new Error(`no exchange ${id}`);
  const events = model.events.filter((event) => event.exchange === id);
  const { request, response } = exchange;
  const ended = exchange.end ?? model.elapsed;
  const responded = response?.t ?? ended;
  const failure = events.find((event) => event.kind === 'error' || event.kind === 'abort');
  const requestType = (request && header(request.headers, 'content-type')) ?? '';
  const responseType = (response && header(response.headers, 'content-type')) ?? '';
  const parts = events.flatMap((event) => (event.kind === 'body-chunk' ? [event] : []));
  const entry: HarEntry = {
    startedDateTime: new Date(start + exchange.start).toISOString(),
    time: round(ended - exchange.start),
    request: {
      method: request?.method ?? 'GET',
      url: request?.url ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(request?.headers ?? []),
      queryString: request ? queryString(request.url) : [],
      headersSize: request ? requestHeadBytes(request) : -1,
      bodySize: request?.bodySize ?? 0,
    },
    response: {
      status: response?.status ?? 0,
      statusText: response?.statusText ?? '',
      httpVersion: response ? 'HTTP/1.1' : '',
      cookies: [],
      headers: pairs(response?.headers ?? []),
      content: content(parts, exchange.bodyBytes, responseType),
      redirectURL: (response && header(response.headers, 'location')) ?? '',
      headersSize: response ? responseHeadBytes(response) : -1,
      bodySize: response ? exchange.bodyBytes : -1,
    },
    cache: {},
    timings: {
      blocked: -1,
      dns: -1,
      connect: -1,
      send: 0,
      wait: round(responded - exchange.start),
      receive: round(ended - exchange.start) - round(responded - exchange.start),
    },
    _from: exchange.client,
    _to: exchange.server,
    _resourceType: 'fetch',
  };
  if (request && request.bodySize > 0) {
    const { bodySize: size, bodyPreview: preview, bodyBase64: base64 } = request;
    const body = content([{ size, preview, base64 }], size, requestType);
    const comment = [body.encoding ? 'base64 of a binary body' : '', body.comment ?? '']
      .filter(Boolean)
      .join('. ');
    entry.request.postData = {
      mimeType: requestType,
      text: body.text ?? '',
      ...(comment ? { comment } : {}),
    };
  }
  if (failure)
    entry.response._error = failure.kind === 'error' ? failure.message : 'The client aborted.';
  return entry;
}

/**
 * HAR 1.2 of a run's events.
 *
 * @example
 * const har = toHar(events, { sandbox: 'request-response', startedAt: new Date().toISOString() });
 * har.log.entries[0].request.url; // "http://server.test/uploads"
 */
export function toHar(events: readonly TraceEvent[], meta: HarExportMeta): Har {
  const model = new TraceModel();
  model.add(events);
  const start = Date.parse(meta.startedAt) || 0;
  const entries = [...model.exchanges.values()].map((exchange) =>
    exchange.protocol === 'ws'
      ? wsEntry(model, exchange.id, start)
      : httpEntry(model, exchange.id, start),
  );
  return {
    log: {
      version: '1.2',
      creator: { name: 'Backend Communication Patterns sandbox', version: '1' },
      comment: `Sandbox ${meta.sandbox}${meta.latencyMs ? `, ${meta.latencyMs} ms added latency per hop` : ''}. Recorded at the virtual network.`,
      entries,
      _bcpTrace: { version: BCP_TRACE_VERSION, events: [...events] },
    },
  };
}

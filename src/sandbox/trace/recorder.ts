/**
 * The trace recorder: the one place events are made, fed by the page's virtual network and by the
 * Node harness alike. It numbers exchanges, stamps each event with the run's clock at one rounding
 * (traceTime), builds it through its kind's builder (build-events.ts, which cuts oversized fields),
 * reads event streams into `sse-event`s, checks every event with the validator, and hands on only
 * valid ones. Environment-neutral, and written with built-ins captured before any reader code runs
 * (intrinsics.ts): in the page it shares a worker with that code.
 */
import { createSseParser, type SseEvent, type SseParser } from '../http/sse-parser.ts';
import {
  buildAbort,
  buildBodyChunk,
  buildBodyEnd,
  buildError,
  buildRequest,
  buildResponse,
  buildSseEvent,
  buildWsClose,
  buildWsMessage,
  buildWsOpen,
  type Draft,
  type Keep,
  type Route,
} from './build-events.ts';
import { BODY_BYTES, traceTime, type HeaderList, type TraceEvent } from './events.ts';
import { TextDecoderConstructor, decode, dictionary, mathMin, stringSlice } from './intrinsics.ts';
import { isTraceEvent, traceEventProblem } from './validate.ts';

export type { Route } from './build-events.ts';

export interface RecorderOptions {
  /** Milliseconds since the run started, unrounded (the recorder rounds). */
  now(): number;
  /** Receives every event, valid and in order. */
  emit(event: TraceEvent): void;
  /** Told why an event was not emitted (a recorder bug: builders keep events within bounds). */
  refused?(problem: string): void;
}

/** What either side reports as it happens; each call records one event (or none, for SSE text). */
export interface TraceRecorder {
  /** The next exchange id: "h1", "h2" … for HTTP exchanges, "w1" … for WebSockets. */
  nextExchange(protocol: 'http' | 'ws'): string;
  request(
    route: Route,
    fields: { method: string; url: string; headers: HeaderList; body: Uint8Array | null },
  ): void;
  /** A response head; an event-stream content type makes the body's chunks SSE events too. */
  response(route: Route, fields: { status: number; statusText: string; headers: HeaderList }): void;
  /** Body bytes as they cross, with the SSE events they complete. */
  bodyChunk(route: Route, bytes: Uint8Array): void;
  bodyEnd(route: Route, size: number): void;
  wsOpen(route: Route, fields: { url: string; headers: HeaderList }): void;
  wsMessage(route: Route, data: string | Uint8Array, binary: boolean): void;
  wsClose(route: Route, code: number, reason: string): void;
  error(route: Route, message: string): void;
  abort(route: Route): void;
}

const EVENT_STREAM = 'text/event-stream';

/** True when a response's Content-Type names an event stream (`text/event-stream; charset=…`). */
function isEventStream(headers: HeaderList): boolean {
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i];
    if (!pair || lower(pair[0]) !== 'content-type') continue;
    const type = lower(stringSlice(pair[1], 0, EVENT_STREAM.length + 1));
    return type === EVENT_STREAM || type === `${EVENT_STREAM};` || type === `${EVENT_STREAM} `;
  }
  return false;
}

/** Each ASCII capital's small letter, made now (String.prototype.toLowerCase may be replaced later). */
const LOWER = dictionary<string>();
for (let code = 65; code <= 90; code++)
  LOWER[String.fromCharCode(code)] = String.fromCharCode(code + 32);

/** ASCII lower case: header names and media types are ASCII. */
function lower(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    out += LOWER[char] ?? char;
  }
  return out;
}

/**
 * Creates the recorder of one run.
 *
 * @example
 * const recorder = createTraceRecorder({ now: () => performance.now() - start, emit: (e) => trace.push(e) });
 * const exchange = recorder.nextExchange('http'); // "h1"
 * recorder.request({ exchange, from: 'client', to: 'server' }, { method: 'GET', url, headers: [], body: null });
 */
export function createTraceRecorder(options: RecorderOptions): TraceRecorder {
  const { now, emit, refused } = options;
  const counts = { http: 0, ws: 0 };
  /** The SSE reading of each exchange whose response is an event stream. */
  const streams = dictionary<{
    parser: SseParser;
    decoder: InstanceType<typeof TextDecoderConstructor>;
  }>();
  const draft = (route: Route): Draft => ({
    exchange: route.exchange,
    from: route.from,
    to: route.to,
    t: traceTime(now()),
    clipped: false,
  });
  const record = (event: TraceEvent): void => {
    if (isTraceEvent(event)) emit(event);
    else refused?.(traceEventProblem(event) ?? 'invalid event');
  };
  /** Bytes kept so far, in the run and in each exchange's response body. */
  let runKept = 0;
  const bodyKept = dictionary<number>();
  /** The caps for one body part; `exchange` names the response body it continues, if any. */
  const keeper =
    (exchange?: string): Keep =>
    (size) => {
      const before = exchange === undefined ? 0 : (bodyKept[exchange] ?? 0);
      const kept = mathMin(size, BODY_BYTES.body - before, BODY_BYTES.run - runKept);
      const count = kept > 0 ? kept : 0;
      runKept += count;
      if (exchange !== undefined) bodyKept[exchange] = before + count;
      return count;
    };
  const readStream = (route: Route): void => {
    const parser = createSseParser((fields: SseEvent) =>
      record(buildSseEvent(draft(route), fields)),
    );
    streams[route.exchange] = { parser, decoder: new TextDecoderConstructor() };
  };
  return {
    nextExchange: (protocol) =>
      protocol === 'http' ? `h${(counts.http += 1)}` : `w${(counts.ws += 1)}`,
    request: (route, fields) => record(buildRequest(draft(route), fields, keeper())),
    response(route, fields) {
      record(buildResponse(draft(route), fields));
      if (fields.status !== 101 && isEventStream(fields.headers)) readStream(route);
    },
    bodyChunk(route, bytes) {
      record(buildBodyChunk(draft(route), bytes, keeper(route.exchange)));
      const stream = streams[route.exchange];
      if (stream) stream.parser.push(decode(stream.decoder, bytes, { stream: true }));
    },
    bodyEnd(route, size) {
      streams[route.exchange] = undefined;
      record(buildBodyEnd(draft(route), size));
    },
    wsOpen: (route, fields) => record(buildWsOpen(draft(route), fields)),
    wsMessage: (route, data, binary) =>
      record(buildWsMessage(draft(route), data, binary, keeper())),
    wsClose: (route, code, reason) => record(buildWsClose(draft(route), code, reason)),
    error(route, message) {
      streams[route.exchange] = undefined;
      record(buildError(draft(route), message));
    },
    abort(route) {
      streams[route.exchange] = undefined;
      record(buildAbort(draft(route)));
    },
  };
}

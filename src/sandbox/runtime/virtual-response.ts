/**
 * Answering the caller with a host's Response across the in-page network: cookies stored in the
 * client's jar, the head traced as it leaves (one latency after the host answered), and the body
 * framed as a server would frame it: a body built from a ReadableStream goes out chunked and is
 * passed through chunk by chunk (virtual-stream.ts); a string or bytes goes out whole with a
 * Content-Length.
 */
import type { CookieJar, CookiePlace } from '../http/cookie-jar';
import { reasonPhrase } from '../http/reason-phrases';
import type { HeaderList } from '../trace/events';
import type { Route, TraceRecorder } from '../trace/recorder';
import { append, byteLength, jsonStringify } from '../trace/intrinsics';
import {
  OriginalHeaders,
  OriginalResponse,
  OriginalUint8Array,
  getSetCookie,
  pin,
  headersHas,
  headersSet,
  responseBody,
  responseBytes,
  responseHeaders,
  responseStatus,
  responseStatusText,
  setHas,
  weakGet,
} from './intrinsics';
import {
  INTERNAL_HEADERS,
  SET_COOKIE_HEADER,
  copyHeaders,
  headerPairs,
  headersOf,
  type MadeResponse,
} from './network-bindings';
import { tapStream, type StreamLink } from './virtual-stream';

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** One answer to route back: who asked (a client plays a browser, with a cookie jar), and where. */
export interface AnswerRoute {
  /** The exchange from the host that answers to the one that asked. */
  back: Route;
  /** Where the request went, read when it was made (the jar's key). */
  url: CookiePlace;
  /** The asker's cookie jar when it is a client; hosts handle cookies themselves. */
  jar: CookieJar | undefined;
}

/** What answering needs from the network. */
export interface AnswerContext {
  recorder: TraceRecorder;
  /** What the sandbox's Response saw when host code made one: what a browser would hide. */
  made: WeakMap<Response, MadeResponse>;
  /** Waits the added latency of one hop. */
  delay(): Promise<void>;
  /** Ends the exchange once: frees its connection slot and runs `trace`. */
  end(trace: () => void): void;
  /** The rest of a streamed body's link to the network (see virtual-stream.ts). */
  stream: Omit<StreamLink, 'route' | 'body' | 'recorder' | 'end'>;
}

interface Head {
  status: number;
  statusText: string;
}

/**
 * Hands the host's `response` to the caller through `respondWith`, tracing the head, the body and
 * its end.
 */
export async function answer(
  route: AnswerRoute,
  response: Response,
  context: AnswerContext,
  respondWith: (response: Response) => void,
): Promise<void> {
  // Read with the engine's own getters: what the host's Response holds, whatever reader code patched.
  const made = weakGet(context.made, response);
  const status = responseStatus(response);
  // A server that leaves statusText empty still sends a reason phrase on an HTTP/1.1 status line.
  const head = { status, statusText: responseStatusText(response) || reasonPhrase(status) };
  const source = headersOf(response);
  // A host's own Response keeps Set-Cookie in a side table; one it passes on from upstream has it
  // in its headers.
  const cookieLines = made?.setCookies ?? getSetCookie(source);
  route.jar?.store(route.url, cookieLines);
  const headers: HeaderList = [];
  const all = headerPairs(source);
  for (let i = 0; i < all.length; i++) {
    const pair = all[i];
    if (pair && pair[0] !== 'set-cookie' && !setHas(INTERNAL_HEADERS, pair[0]))
      append(headers, pair);
  }
  for (let i = 0; i < cookieLines.length; i++) append(headers, ['set-cookie', `${cookieLines[i]}`]);
  const outgoing = new OriginalHeaders();
  copyHeaders(source, outgoing, (name) => name !== SET_COOKIE_HEADER);
  if (!route.jar && cookieLines.length > 0) {
    headersSet(outgoing, SET_COOKIE_HEADER, jsonStringify(cookieLines));
  }

  // For a Response from elsewhere (a proxied fetch), only a Content-Length header says which.
  const body = responseBody(response);
  const isStream = body !== null && (made ? made.streaming : !headersHas(source, 'content-length'));
  if (setHas(NULL_BODY_STATUS, status) || !isStream || body === null) {
    const bytes = await fixedBody(response, source, headers, outgoing);
    await sendHead(route.back, head, headers, context);
    const size = bytes ? byteLength(bytes) : 0;
    if (size > 0) context.recorder.bodyChunk(route.back, bytes as Uint8Array);
    context.end(() => context.recorder.bodyEnd(route.back, size));
    respondWith(answered(bytes, head, outgoing));
    return;
  }
  if (!headersHas(source, 'content-length')) append(headers, ['transfer-encoding', 'chunked']);
  await sendHead(route.back, head, headers, context);
  const stream = tapStream({
    ...context.stream,
    route: route.back,
    body,
    recorder: context.recorder,
    end: context.end,
  });
  respondWith(answered(stream, head, outgoing));
}

/**
 * The Response the caller gets. The interceptors read its head before handing it over: it holds its
 * own copies, so a getter reader code replaced is never asked (and cannot throw mid-answer).
 */
function answered(body: BodyInit | null, head: Head, headers: Headers): Response {
  const response = new OriginalResponse(body, { ...head, headers });
  pin(response, { ...head, headers: responseHeaders(response), body: responseBody(response) });
  return response;
}

/** The whole body of a fixed answer (none for a null-body status), its length added to the head. */
async function fixedBody(
  response: Response,
  source: Headers,
  headers: HeaderList,
  outgoing: Headers,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (setHas(NULL_BODY_STATUS, responseStatus(response))) return null;
  const bytes = new OriginalUint8Array(await responseBytes(response));
  if (!headersHas(source, 'content-length')) {
    const length = `${byteLength(bytes)}`;
    append(headers, ['content-length', length]);
    // The receiver sees the length as it would over a socket (a proxy passing headers on keeps it).
    headersSet(outgoing, 'content-length', length);
  }
  return bytes;
}

/** The answer's head goes out one latency after the host answered, and is traced as it leaves. */
async function sendHead(
  back: Route,
  head: Head,
  headers: HeaderList,
  context: AnswerContext,
): Promise<void> {
  await context.delay();
  context.recorder.response(back, { ...head, headers });
}

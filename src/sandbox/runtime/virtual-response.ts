/**
 * Answering the caller with a host's Response across the in-page network: cookies stored in the
 * client's jar, the head traced as it leaves (one latency after the host answered), and the body
 * framed as a server would frame it: a body built from a ReadableStream goes out chunked and is
 * passed through chunk by chunk (virtual-stream.ts); a string or bytes goes out whole with a
 * Content-Length.
 */
import type { CookieJar } from '../http/cookie-jar';
import { reasonPhrase } from '../http/reason-phrases';
import type { HeaderList } from '../trace/events';
import type { Route, TraceRecorder } from '../trace/recorder';
import {
  INTERNAL_HEADERS,
  SET_COOKIE_HEADER,
  headerPairs,
  type MadeResponse,
} from './network-bindings';
import { tapStream, type StreamLink } from './virtual-stream';

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** One answer to route back: who asked (a client plays a browser, with a cookie jar), and where. */
export interface AnswerRoute {
  /** The exchange from the host that answers to the one that asked. */
  back: Route;
  url: URL;
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
  stream: Omit<StreamLink, 'route' | 'response' | 'recorder' | 'end'>;
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
  const made = context.made.get(response);
  // A server that leaves statusText empty still sends a reason phrase on an HTTP/1.1 status line.
  const head = {
    status: response.status,
    statusText: response.statusText || reasonPhrase(response.status),
  };
  // A host's own Response keeps Set-Cookie in a side table; one it passes on from upstream has it
  // in its headers.
  const cookieLines = made?.setCookies ?? response.headers.getSetCookie();
  route.jar?.store(route.url, cookieLines);
  const headers: HeaderList = [
    ...headerPairs(response.headers).filter(
      ([name]) => name !== 'set-cookie' && !INTERNAL_HEADERS.has(name),
    ),
    ...cookieLines.map((line): [string, string] => ['set-cookie', line]),
  ];
  const outgoing = new Headers(response.headers);
  outgoing.delete(SET_COOKIE_HEADER);
  if (!route.jar && cookieLines.length > 0) {
    outgoing.set(SET_COOKIE_HEADER, JSON.stringify(cookieLines));
  }

  // For a Response from elsewhere (a proxied fetch), only a Content-Length header says which.
  const isStream =
    response.body !== null && (made ? made.streaming : !response.headers.has('content-length'));
  if (NULL_BODY_STATUS.has(response.status) || !isStream || response.body === null) {
    const bytes = await fixedBody(response, headers, outgoing);
    await sendHead(route.back, head, headers, context);
    if (bytes && bytes.byteLength > 0) context.recorder.bodyChunk(route.back, bytes);
    context.end(() => context.recorder.bodyEnd(route.back, bytes?.byteLength ?? 0));
    respondWith(new Response(bytes, { ...head, headers: outgoing }));
    return;
  }
  if (!response.headers.has('content-length')) headers.push(['transfer-encoding', 'chunked']);
  await sendHead(route.back, head, headers, context);
  const body = tapStream({
    ...context.stream,
    route: route.back,
    response,
    recorder: context.recorder,
    end: context.end,
  });
  respondWith(new Response(body, { ...head, headers: outgoing }));
}

/** The whole body of a fixed answer (none for a null-body status), its length added to the head. */
async function fixedBody(
  response: Response,
  headers: HeaderList,
  outgoing: Headers,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (NULL_BODY_STATUS.has(response.status)) return null;
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.headers.has('content-length')) {
    headers.push(['content-length', String(bytes.byteLength)]);
    // The receiver sees the length as it would over a socket (a proxy passing headers on keeps it).
    outgoing.set('content-length', String(bytes.byteLength));
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

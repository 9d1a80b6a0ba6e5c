// The price feed at its own origin, read by pages on other origins. The server decides who may
// read it: it answers a page on its allow-list with Access-Control-Allow-Origin naming that page,
// and -Credentials: true, so the page may read the stream with its cookies; any other page gets no
// CORS headers. The server streams to it all the same: CORS stops the reading, not the request.
const ALLOWED = new Set(['http://dashboard.test']); // pages that may read the feed
const PRICES = 6; // then the market closes
const INTERVAL_MS = 300;
const encoder = new TextEncoder();

// A browser sets Origin and the Access-Control-Request-* headers itself. Page code cannot, so in
// this sandbox browser.ts sends them as X-Emulated-<name>; from a real browser they arrive as named.
const fromBrowser = (request: Request, name: string) =>
  request.headers.get(name) ?? request.headers.get(`x-emulated-${name}`);

interface Price {
  id: number;
  price: number;
}
const log: Price[] = [];
const live = new Set<(price: Price) => void>();
const seen = new Set<string>(); // origins that have had a stream
let feed: ReturnType<typeof setInterval> | undefined;
let streams = 0;

export default {
  fetch(request: Request, env: SandboxEnv): Response {
    if (new URL(request.url).pathname !== '/prices')
      return new Response('not found', { status: 404 });
    const origin = fromBrowser(request, 'origin') ?? 'no origin';
    const cors = corsHeaders(origin, env.params.wildcard === 1);
    if (request.method === 'OPTIONS') return preflight(request, origin, cors);

    if (request.headers.get('authorization') !== 'Bearer dash-7f3c') {
      return new Response('who are you?', { status: 401, headers: cors });
    }
    feed ??= setInterval(publish, INTERVAL_MS); // the market opens
    const after = Number(request.headers.get('last-event-id') ?? 0);
    const stream = ++streams;
    const readable = cors.has('access-control-allow-origin')
      ? 'CORS headers sent'
      : 'no CORS headers';
    if (after >= PRICES) {
      console.log(`stream ${stream} for ${origin}: Last-Event-ID ${after}, the feed is over: 204`);
      return new Response(null, { status: 204, headers: cors });
    }
    console.log(`stream ${stream} for ${origin}: ${readable}, Last-Event-ID ${after || 'none'}`);
    // For the demo, each origin's first stream ends after three prices, as a restarting server's would.
    const cutAfter = seen.has(origin) ? 0 : 3;
    seen.add(origin);

    let sent = 0;
    let stop = (): void => {};
    let gone = (): void => {}; // the client went away: its browser, or its code, dropped the stream
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (price: Price): void => {
          controller.enqueue(
            encoder.encode(`id: ${price.id}\nevent: price\ndata: ${JSON.stringify(price)}\n\n`),
          );
          if (price.id === PRICES || ++sent === cutAfter) {
            stop();
            controller.close();
          }
        };
        stop = () => live.delete(send);
        gone = () => {
          if (!live.has(send)) return;
          stop();
          console.log(
            `stream ${stream} for ${origin}: closed by the client after ${sent} price(s)`,
          );
        };
        request.signal.addEventListener('abort', () => gone());
        live.add(send);
        for (const price of log) if (price.id > after && live.has(send)) send(price); // the replay
      },
      cancel: () => gone(),
    });
    cors.set('content-type', 'text/event-stream');
    cors.set('cache-control', 'no-cache');
    return new Response(body, { headers: cors });
  },
};

/** The CORS part of every answer: the page's own origin if it is on the list, or `*` (param wildcard). */
function corsHeaders(origin: string, wildcard: boolean): Headers {
  const headers = new Headers();
  if (wildcard) {
    headers.set('access-control-allow-origin', '*'); // anyone may read it, but never with credentials
  } else {
    headers.set('vary', 'Origin'); // the answer depends on Origin: caches must keep them apart
    if (ALLOWED.has(origin)) {
      headers.set('access-control-allow-origin', origin);
      headers.set('access-control-allow-credentials', 'true');
    }
  }
  return headers;
}

/** The browser asks before sending a header it may not send unasked, such as Last-Event-ID. */
function preflight(request: Request, origin: string, cors: Headers): Response {
  const method = fromBrowser(request, 'access-control-request-method');
  const asked = fromBrowser(request, 'access-control-request-headers') ?? '';
  if (method !== null && cors.has('access-control-allow-origin')) {
    cors.set('access-control-allow-methods', 'GET');
    // Named, not *: Authorization is never covered by a wildcard. Listing Last-Event-ID too lets
    // the browser cache both, so a reconnect needs no second preflight.
    cors.set('access-control-allow-headers', 'authorization, last-event-id');
    cors.set('access-control-max-age', '600'); // ten minutes without asking again
  }
  console.log(`preflight from ${origin}: ${method ?? 'no method'} with ${asked || 'no headers'}`);
  return new Response(null, { status: 204, headers: cors });
}

function publish(): void {
  const id = log.length + 1;
  const price = { id, price: Math.round(10_000 + Math.sin(id) * 300) / 100 };
  log.push(price);
  for (const send of live) send(price);
  if (id === PRICES) clearInterval(feed);
}

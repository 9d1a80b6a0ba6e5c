// A price feed over server-sent events. The server writes text/event-stream itself: a retry: line,
// then id:/event:/data: blocks that each end with a blank line, and ": keep-alive" comments.
// Every price goes into a log first, so a client that reconnects with Last-Event-ID gets a replay.
import { clock } from './clock.ts'; // GET /clock, for the seven tabs in tabs.ts

const PRICES = 12; // then the market closes
const KEEP_ALIVE_MS = 2000; // about 15 s in production; short here so you can see it
const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const encoder = new TextEncoder();

interface Price {
  id: number;
  price: number;
  at: number;
}
const log: Price[] = [];
const live = new Set<(price: Price) => void>();
let feed: ReturnType<typeof setInterval> | undefined;
let connections = 0;

export default {
  fetch(request: Request, env: SandboxEnv): Response {
    const { pathname } = new URL(request.url);
    if (pathname !== '/prices' && pathname !== '/clock') {
      return new Response('not found', { status: 404 });
    }
    // A stream is read with GET, as EventSource does (HEAD asks what GET would answer); other
    // methods are told which ones work (405 with Allow, RFC 9110 §15.5.6).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('GET this event stream', {
        status: 405,
        headers: { allow: 'GET, HEAD' },
      });
    }
    if (pathname === '/clock') return clock(request, env.params.intervalMs ?? 500);
    feed ??= setInterval(publish, env.params.intervalMs ?? 500); // the market opens

    const after = Number(request.headers.get('last-event-id') ?? 0);
    const connection = ++connections;
    if (after >= PRICES) {
      console.log(`connection ${connection}: Last-Event-ID ${after}, the feed is over: 204`);
      return new Response(null, { status: 204 }); // tells EventSource to stop reconnecting
    }
    const missed = log.filter((price) => price.id > after);
    console.log(
      `connection ${connection}: Last-Event-ID ${after || 'none'}, ${missed.length} to replay`,
    );
    // For the demo, the first stream ends after a few prices, as a restarting server's would.
    const cutAfter = connection === 1 ? (env.params.cutAfter ?? 3) : 0;

    let stop = (): void => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let sent = 0;
        let newest = after; // the client has every price up to this one: none of them again
        const write = (text: string) => controller.enqueue(encoder.encode(text));
        const send = (price: Price): void => {
          if (price.id <= newest) return; // a Last-Event-ID can be ahead of the log
          newest = price.id;
          write(`id: ${price.id}\nevent: price\ndata: ${JSON.stringify(price)}\n\n`);
          if (price.id === PRICES || ++sent === cutAfter) {
            stop();
            controller.close(); // the client sees the end of the stream and reconnects
          }
        };
        const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
        stop = () => {
          live.delete(send);
          clearInterval(keepAlive);
        };
        request.signal.addEventListener('abort', () => stop()); // the client went away
        write(`retry: ${env.params.retryMs ?? 1000}\n: connection ${connection}\n\n`);
        live.add(send); // every new price goes out here from now on
        // The replay: what the client missed, before anything new (a demo cut may end it early).
        for (const price of missed) if (live.has(send)) send(price);
      },
      cancel: () => stop(), // the connection broke
    });
    return new Response(body, { headers });
  },
};

function publish(): void {
  const id = log.length + 1;
  const price = { id, price: Math.round(10_000 + Math.sin(id) * 300) / 100, at: Date.now() };
  log.push(price);
  for (const send of live) send(price);
  if (id === PRICES) clearInterval(feed);
}

// The price feed again, for a client that is not EventSource: it subscribes with a POST whose JSON
// body names the symbol, and proves who it is with an Authorization header, neither of which
// EventSource can send. The stream itself is the same text/event-stream, with the same replay.
const PRICES = 8; // then the market closes
const INTERVAL_MS = 400;
const TOKENS = new Set(['reader-7f3c']); // API tokens this feed accepts
const encoder = new TextEncoder();

interface Price {
  id: number;
  symbol: string;
  price: number;
}
const log: Price[] = [];
const live = new Set<(price: Price) => void>();
let feed: ReturnType<typeof setInterval> | undefined;
let connections = 0;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    if (new URL(request.url).pathname !== '/prices')
      return new Response('not found', { status: 404 });
    if (request.method !== 'POST') return new Response('POST a subscription', refuse(405));
    // A malformed subscription is refused before anything else is looked at.
    const body = (await request.json().catch(() => null)) as { symbol?: unknown } | null;
    if (typeof body?.symbol !== 'string')
      return new Response('expected {"symbol": "ACME"}', refuse(400));
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!token || !TOKENS.has(token)) return new Response('who are you?', refuse(401));
    if (body.symbol !== 'ACME') return new Response(`no feed for ${body.symbol}`, refuse(404));
    feed ??= setInterval(publish, INTERVAL_MS); // the market opens

    const after = Number(request.headers.get('last-event-id') ?? 0);
    const connection = ++connections;
    if (after >= PRICES) {
      console.log(`connection ${connection}: Last-Event-ID ${after}, the feed is over: 204`);
      return new Response(null, { status: 204 }); // the client's own code must stop on it
    }
    const missed = log.filter((price) => price.id > after);
    console.log(
      `connection ${connection}: Last-Event-ID ${after || 'none'}, ${missed.length} to replay`,
    );
    // For the demo, the first stream ends after a few prices, as a restarting server's would.
    const cutAfter = connection === 1 ? (env.params.cutAfter ?? 3) : 0;

    let stop = (): void => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let sent = 0;
        let newest = after; // the client has every price up to this one: none of them again
        const send = (price: Price): void => {
          if (price.id <= newest) return; // a Last-Event-ID can be ahead of the log
          newest = price.id;
          const event = `id: ${price.id}\nevent: price\ndata: ${JSON.stringify(price)}\n\n`;
          controller.enqueue(encoder.encode(event));
          if (price.id === PRICES || ++sent === cutAfter) {
            stop();
            controller.close(); // the client sees the end of the body and must reconnect itself
          }
        };
        stop = () => live.delete(send);
        request.signal.addEventListener('abort', () => stop()); // the client went away
        controller.enqueue(encoder.encode(`retry: ${env.params.retryMs ?? 1000}\n\n`));
        live.add(send);
        for (const price of missed) if (live.has(send)) send(price); // the replay, then live
      },
      cancel: () => stop(), // the connection broke
    });
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  },
};

/** A refusal that says how to do better: 401 names the scheme (RFC 9110 §11.6.1), 405 the method. */
function refuse(status: number): ResponseInit {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  if (status === 405) headers.allow = 'POST';
  return { status, headers };
}

function publish(): void {
  const id = log.length + 1;
  const price = { id, symbol: 'ACME', price: Math.round(10_000 + Math.sin(id) * 300) / 100 };
  log.push(price);
  for (const send of live) send(price);
  if (id === PRICES) clearInterval(feed);
}

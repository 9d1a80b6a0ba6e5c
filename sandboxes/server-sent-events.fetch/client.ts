// A price ticker that reads the stream with fetch() instead of EventSource, so it can POST its
// subscription and send an Authorization header. Everything EventSource did by itself is now
// this code's job: parse the stream, reconnect after retry:, send Last-Event-ID, stop on 204.
import { readEvents, type StreamState } from './event-stream.ts';

const TOKEN = 'reader-7f3c'; // in a real page, from your login, never from the URL
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function main(server: URL): Promise<void> {
  // EventSource's default delay is the browser's own; ours is 1 s until retry: says otherwise.
  const state: StreamState = { retryMs: 1000, lastEventId: '' };
  const received: number[] = [];
  for (;;) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    if (state.lastEventId !== '') headers['last-event-id'] = state.lastEventId;
    let response: Response;
    try {
      response = await fetch(new URL('/prices', server), {
        method: 'POST',
        headers,
        body: JSON.stringify({ symbol: 'ACME' }),
      });
    } catch {
      console.warn(`could not connect; trying again in ${state.retryMs} ms`);
      await sleep(state.retryMs ?? 1000);
      continue; // a network error: EventSource would retry too
    }
    if (response.status === 204) break; // the server says: stop reconnecting
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream')) {
      // EventSource's rule: any other answer fails the connection for good.
      console.error(`${response.status} ${await response.text()}: not reconnecting`);
      return;
    }
    console.log(state.lastEventId ? `resumed after #${state.lastEventId}` : 'stream open');
    try {
      for await (const event of readEvents(response.body as ReadableStream<Uint8Array>, state)) {
        const price = JSON.parse(event.data) as { id: number; symbol: string; price: number };
        received.push(price.id);
        console.log(
          `#${event.lastEventId} ${event.type}: ${price.symbol} ${price.price.toFixed(2)}`,
        );
      }
      console.warn(`stream ended after #${state.lastEventId}; reconnecting in ${state.retryMs} ms`);
    } catch {
      console.warn(`stream broke after #${state.lastEventId}; reconnecting in ${state.retryMs} ms`);
    }
    await sleep(state.retryMs ?? 1000);
  }
  const unique = new Set(received);
  const missed = Math.max(0, ...received) - unique.size;
  const twice = received.length - unique.size;
  const what = `${missed ? `${missed} missed` : 'none missed'}, ${twice ? `${twice} twice` : 'none twice'}`;
  console.log(`204 No Content: done, ${unique.size} prices, ${what}`);
}

// One source of updates, four ways to hand them out. Every client gets the same eight updates,
// so what differs between them is only the delivery pattern.
import type { Update } from './updates.ts';

// The workload, in ms after the first client arrives: five updates a second apart, then a burst of three.
const SCHEDULE = [500, 1500, 2500, 3500, 4500, 5500, 5500, 5500];
const HOLD_MS = 25_000; // how long a long poll is held before it is answered empty

const published: Update[] = [];
const heldPolls = new Set<() => void>(); // long polls waiting for the next update
const streams = new Map<object, (update: Update) => void>(); // open SSE streams and WebSockets

let clockStarted = false;
function startClock(): void {
  if (clockStarted) return;
  clockStarted = true;
  for (const at of new Set(SCHEDULE)) {
    const due = SCHEDULE.filter((time) => time === at).length;
    setTimeout(() => publish(due), at);
  }
}

function publish(count: number): void {
  for (let i = 0; i < count; i++) {
    const seq = published.length + 1;
    const update = { seq, total: SCHEDULE.length, text: `price ${100 + seq}`, publishedAt: performance.now() };
    published.push(update);
    for (const push of streams.values()) push(update); // SSE and WebSocket: sent right away
  }
  console.log(`published #${published.length - count + 1}${count > 1 ? `–#${published.length}` : ''}`);
  for (const wake of [...heldPolls]) wake(); // long polls: answered now, with everything new
}

const after = (seq: number): Update[] => published.filter((update) => update.seq > seq);

/** Resolves at the next publish, after `ms`, or when the client goes away, whichever comes first. */
function nextPublish(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      heldPolls.delete(wake);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    heldPolls.add(wake);
    signal.addEventListener('abort', wake);
  });
}

export default {
  async fetch(request: Request): Promise<Response> {
    startClock();
    const url = new URL(request.url);
    const seen = Number(url.searchParams.get('after') ?? 0);
    // Short polling: answer at once, even when there is nothing new.
    if (url.pathname === '/poll') return Response.json(after(seen));
    // Long polling: hold the request until something new exists (or HOLD_MS passes).
    if (url.pathname === '/long-poll') {
      if (after(seen).length === 0) await nextPublish(request.signal, HOLD_MS);
      return Response.json(after(seen));
    }
    if (url.pathname === '/events') return eventStream(request);
    return Response.json({ error: 'not found' }, { status: 404 });
  },
  // WebSocket push: each open socket gets every update as one message.
  websocket: {
    open(peer: SandboxPeer) {
      startClock();
      streams.set(peer, (update) => peer.send(JSON.stringify(update)));
    },
    close(peer: SandboxPeer) {
      streams.delete(peer);
    },
  },
};

// Server-Sent Events: one response that never ends; each update is an `id:` + `data:` event.
function eventStream(request: Request): Response {
  // After a reconnect, EventSource sends the last id it saw: resume from there.
  const seen = Number(request.headers.get('last-event-id') ?? 0);
  const encoder = new TextEncoder();
  const key = {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (update: Update): void =>
        controller.enqueue(encoder.encode(`id: ${update.seq}\ndata: ${JSON.stringify(update)}\n\n`));
      after(seen).forEach(send);
      streams.set(key, send);
      request.signal.addEventListener('abort', () => streams.delete(key));
    },
    cancel: () => void streams.delete(key),
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
  });
}

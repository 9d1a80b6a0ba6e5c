// One source of updates, four ways to hand them out. Every client gets the same eight updates
// (see workload.ts), so what differs between the clients is only the delivery pattern.
import type { Update } from './updates.ts';
import { createWorkload } from './workload.ts';

const workload = createWorkload();
const HOLD_MS = 25_000; // how long a long poll is held before it is answered empty
const sockets = new Map<SandboxPeer, () => void>(); // open WebSockets → how to unsubscribe them

export default {
  async fetch(request: Request): Promise<Response> {
    workload.start();
    const url = new URL(request.url);
    const seen = Number(url.searchParams.get('after') ?? 0);
    // Short polling: answer at once, even when there is nothing new.
    if (url.pathname === '/poll') return Response.json(workload.after(seen));
    // Long polling: hold the request until something new exists (or HOLD_MS passes).
    if (url.pathname === '/long-poll') {
      if (workload.after(seen).length === 0) await nextPublish(request.signal);
      return Response.json(workload.after(seen));
    }
    if (url.pathname === '/events') return eventStream(request);
    return Response.json({ error: 'not found' }, { status: 404 });
  },
  // WebSocket push: each open socket gets every update as one message, the moment it exists.
  websocket: {
    open(peer: SandboxPeer) {
      workload.start();
      const send = (update: Update): void => peer.send(JSON.stringify(update));
      const unsubscribe = workload.subscribe((fresh) => fresh.forEach(send));
      sockets.set(peer, unsubscribe);
    },
    // Push goes one way here: a client that sends anything is sending what this socket never
    // accepts, so it is closed with 1003 (RFC 6455 §7.4.1) rather than left to guess.
    message(peer: SandboxPeer) {
      peer.close(1003, 'this socket only sends updates');
    },
    close(peer: SandboxPeer) {
      sockets.get(peer)?.();
      sockets.delete(peer);
    },
  },
};

/** Resolves at the next publish, after HOLD_MS, or when the client goes away, whichever is first. */
function nextPublish(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      stop();
      clearTimeout(timer);
      resolve();
    };
    const stop = workload.subscribe(wake);
    const timer = setTimeout(wake, HOLD_MS);
    signal.addEventListener('abort', wake);
  });
}

// Server-Sent Events: one response that never ends; each update is an `id:` + `data:` event.
function eventStream(request: Request): Response {
  // After a reconnect, EventSource sends the last id it saw: resume after it.
  const seen = Number(request.headers.get('last-event-id') ?? 0);
  const encoder = new TextEncoder();
  let stop = (): void => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (update: Update): void => {
        if (update.seq <= seen) return; // the client has it: its Last-Event-ID can be ahead
        try {
          controller.enqueue(
            encoder.encode(`id: ${update.seq}\ndata: ${JSON.stringify(update)}\n\n`),
          );
        } catch {
          stop(); // the client has gone
        }
      };
      workload.after(seen).forEach(send);
      stop = workload.subscribe((fresh) => fresh.forEach(send));
      request.signal.addEventListener('abort', () => stop());
    },
    cancel: () => stop(),
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
  });
}

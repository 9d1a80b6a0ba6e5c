// The browser's connections to one host, EMULATED: the page's virtual network has neither
// connections nor HTTP/2, and Node's fetch has no per-host limit, so each tab asks this file for a
// connection before it opens its stream, and gives it back when it closes the stream.
//   HTTP/1.1: a connection carries one response at a time, and a browser opens at most six per
//     host; every further request waits in line until one is free (MDN, EventSource).
//   HTTP/2: one connection; each request is a stream on it, up to the number the server announced
//     in its SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §6.5.2 recommends at least 100).
export const CONNECTIONS_PER_HOST = 6;
export const MAX_CONCURRENT_STREAMS = 100; // the server's SETTINGS

export interface Lease {
  via: string; // "connection 3", or "connection 1, stream 13"
  waitedMs: number; // in line for a free connection (or stream slot)
  release(): void;
}

export function browserConnections(http2: boolean) {
  const limit = http2 ? MAX_CONCURRENT_STREAMS : CONNECTIONS_PER_HOST;
  const free = Array.from({ length: limit }, (_, i) => i + 1); // HTTP/1.1: connection numbers
  const waiting: Array<(slot: number) => void> = [];
  let nextStreamId = 1; // streams a client opens are odd (RFC 9113 §5.1.1)
  let open = 0;
  const stats = { connections: new Set<number>(), streams: 0, peakOpen: 0 };

  const lease = (slot: number, waitedMs: number): Lease => {
    open += 1;
    stats.streams += 1;
    stats.peakOpen = Math.max(stats.peakOpen, open);
    const connection = http2 ? 1 : slot;
    stats.connections.add(connection);
    const via = http2 ? `connection 1, stream ${(nextStreamId += 2) - 2}` : `connection ${slot}`;
    let released = false;
    return {
      via,
      waitedMs,
      release() {
        if (released) return;
        released = true;
        open -= 1;
        const next = waiting.shift(); // the first in line gets it at once
        if (next) next(slot);
        else free.unshift(slot);
      },
    };
  };

  return {
    stats,
    /** A connection (HTTP/1.1) or a stream on the one connection (HTTP/2), now or when one is free. */
    acquire(): Promise<Lease> {
      const slot = free.shift();
      if (slot !== undefined) return Promise.resolve(lease(slot, 0)); // free now: no wait
      const asked = Date.now();
      return new Promise((resolve) =>
        waiting.push((given) => resolve(lease(given, Math.max(1, Date.now() - asked)))),
      );
    },
  };
}

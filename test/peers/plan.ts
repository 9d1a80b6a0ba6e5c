/**
 * What a sandbox may add to the peer suite in `sandboxes/<id>/peers.ts` (found by glob): params for
 * its serve-mode run, and curl exchanges for routes the demo does not show, each with what a reader
 * would check. Without the file a sandbox still gets every generic check (test/peers.test.ts).
 */
export interface PeerStep {
  /** What the step shows, in a few words. */
  name: string;
  /** The host to ask. */
  host: string;
  /** The name to reach it by (default 127.0.0.1; a reader may well type localhost). */
  hostname?: string;
  /** Ask the host's HTTP/2 endpoint instead of its HTTP/1.1 one. */
  http2?: boolean;
  /**
   * curl's arguments. One starting with `/` is the path, resolved against the host's URL. `{{name}}`
   * anywhere is replaced by header `name` of the previous step's answer (its Location, its ETag).
   */
  curl: string[];
  /** For a stream read with -N: stop once the body so far matches this. */
  until?: RegExp;
  expect: {
    status: number;
    /** The protocol of the answer: '1.1' or '2'. */
    http?: string;
    /** Header → expected value, a pattern, or null for "absent". */
    headers?: Record<string, string | RegExp | null>;
    body?: RegExp;
  };
}

export interface PeerPlan {
  /** Params for the serve-mode run (otherwise sandbox.json's defaults). */
  params?: Record<string, number>;
  /**
   * The host authenticates WebSocket handshakes (an allowed Origin and a session cookie): a peer
   * that brings neither must be closed with this code instead of kept open.
   */
  refusesUnauthenticatedSockets?: { code: number };
  steps?: PeerStep[];
  /**
   * The hostile-input check (test/peers/hostile.ts) aims at every route of the demo and every path
   * the host code names; these are routes it cannot find (a path the code builds from a pattern).
   */
  hostileRoutes?: Array<{ host: string; method: string; target: string }>;
  /**
   * Headers that get a request with this body past the host's authentication (a token, a signature
   * over the body), so the hostile-input and stream checks reach the code behind it.
   */
  authenticate?: (body: string) => Record<string, string> | Promise<Record<string, string>>;
  /**
   * Handshake headers that get a WebSocket past the host's authentication (an allowed Origin, a
   * session cookie), so the hostile-message check reaches the host's message handler.
   */
  socketHeaders?: (hosts: Record<string, URL>) => Promise<Record<string, string>>;
  /** Behaviours Chromium's own EventSource and WebSocket check (test/e2e/peers.test.ts). */
  browser?: {
    /**
     * An event stream the host ends early and at last refuses with 204: EventSource must reconnect
     * after the stream's `retry`, send Last-Event-ID, receive every event once, and stop at the 204.
     */
    resumableStream?: string;
    /** A WebSocket path whose host closes a client that stays silent, with this close code. */
    closesSilentSocket?: { path: string; code: number };
  };
}

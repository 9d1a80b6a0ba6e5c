/**
 * The WebSocket opening handshake (RFC 6455 §4) as a client and a server put it on the wire, for the
 * in-page network, which never sends one: the page traces what a real handshake would carry.
 * Environment-neutral and synchronous, so the trace keeps its order (WebCrypto's digest is async).
 */
import type { HeaderList } from '../trace/events';

/** The GUID a server appends to the client's key before hashing (RFC 6455 §1.3). */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** SHA-1 (FIPS 180-4) of `bytes`; only for the Sec-WebSocket-Accept value, never for security. */
export function sha1(bytes: Uint8Array): Uint8Array {
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 80; i++)
      w[i] = rotl((w[i - 3] ?? 0) ^ (w[i - 8] ?? 0) ^ (w[i - 14] ?? 0) ^ (w[i - 16] ?? 0), 1);
    let [a, b, c, d, e] = state as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const [f, k] =
        i < 20
          ? [(b & c) | (~b & d), 0x5a827999]
          : i < 40
            ? [b ^ c ^ d, 0x6ed9eba1]
            : i < 60
              ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc]
              : [b ^ c ^ d, 0xca62c1d6];
      const next = (rotl(a, 5) + f + e + k + (w[i] ?? 0)) >>> 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30) >>> 0, a, next];
    }
    state[0] = ((state[0] ?? 0) + a) >>> 0;
    state[1] = ((state[1] ?? 0) + b) >>> 0;
    state[2] = ((state[2] ?? 0) + c) >>> 0;
    state[3] = ((state[3] ?? 0) + d) >>> 0;
    state[4] = ((state[4] ?? 0) + e) >>> 0;
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  state.forEach((word, i) => out.setUint32(i * 4, word));
  return digest;
}

const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/**
 * The server's Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
 *
 * @example
 * websocketAccept('dGhlIHNhbXBsZSBub25jZQ=='); // 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' (RFC 6455 §1.3)
 */
export function websocketAccept(key: string): string {
  return base64(sha1(new TextEncoder().encode(key + WEBSOCKET_GUID)));
}

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64-encoded (RFC 6455 §4.1). */
export function websocketKey(): string {
  return base64(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * The request and 101 response heads of an opening handshake: what a fetch-based client (browsers,
 * Node's WebSocket) asks for, and what the `ws` server the Node wiring uses answers. The server takes
 * the first subprotocol offered, as `ws` does by default.
 *
 * @example
 * const { request, response } = handshakeHeaders({ url: new URL('ws://server.test/feed') });
 * response; // [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Accept', '…']]
 */
export function handshakeHeaders(options: {
  url: URL;
  protocols?: readonly string[];
  /** A browser's page origin (server-side clients send none). */
  origin?: string;
  cookie?: string;
  key?: string;
}): { request: HeaderList; response: HeaderList } {
  const key = options.key ?? websocketKey();
  const protocols = options.protocols ?? [];
  const request: HeaderList = [
    ['host', options.url.host],
    ['connection', 'Upgrade'],
    ['upgrade', 'websocket'],
    ...(options.origin ? [['origin', options.origin] as [string, string]] : []),
    ['sec-websocket-key', key],
    ['sec-websocket-version', '13'],
    ['sec-websocket-extensions', 'permessage-deflate; client_max_window_bits'],
  ];
  if (protocols.length > 0) request.push(['sec-websocket-protocol', protocols.join(', ')]);
  if (options.cookie) request.push(['cookie', options.cookie]);
  const response: HeaderList = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', websocketAccept(key)],
  ];
  const chosen = protocols[0];
  if (chosen !== undefined) response.push(['Sec-WebSocket-Protocol', chosen]);
  return { request, response };
}

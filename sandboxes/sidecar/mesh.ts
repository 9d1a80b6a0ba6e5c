// What both sidecars share: W3C trace context, and the format of the sidecar-to-sidecar hop.

/**
 * W3C Trace Context: `traceparent: 00-<trace id>-<parent span id>-<flags>`. A hop keeps the trace
 * id and puts its own new span id in the middle; with no valid header, a new trace starts here.
 */
export function childSpan(traceparent: string | null) {
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(traceparent ?? '');
  const traceId = match?.[1] ?? randomHex(16);
  const header = `00-${traceId}-${randomHex(8)}-${match?.[2] ?? '01'}`;
  return { traceId, header, started: !match };
}

// The upgraded hop (param `upgrade` = 1). A real mesh switches this hop to HTTP/2 inside mutual TLS.
// This network, in the page and in Node alike, still carries HTTP/1.1 without TLS, so the upgrade
// shows in what the sidecars write: a gzip body, a protocol marker, and a signed identity standing
// in for the client certificate. Either way the change lives in the sidecars; no app notices.
const MESH_KEY = 'issued by the control plane'; // real meshes give each workload a certificate

export async function toWire(me: string, headers: Headers, body: ArrayBuffer) {
  const identity = `spiffe://shop/sa/${me.replace(/-sidecar$/, '')}`;
  headers.set('x-mesh-protocol', 'h2'); // a marker only: the real transport does not change here
  headers.set('x-mesh-identity', identity);
  headers.set('x-mesh-signature', await sign(`${identity} ${headers.get('traceparent')}`));
  if (body.byteLength === 0) return body; // nothing to compress (a GET's, say)
  headers.set('content-encoding', 'gzip');
  const packed = await pipe(body, new CompressionStream('gzip'));
  console.log(`upgraded hop: gzip ${body.byteLength} → ${packed.byteLength} bytes, as ${identity}`);
  return packed;
}

/**
 * Undoes toWire: the plain body (undefined if it is not the gzip it says it is), and the caller's
 * identity if its signature holds.
 */
export async function fromWire(request: Request) {
  const identity = request.headers.get('x-mesh-identity');
  const signature = request.headers.get('x-mesh-signature');
  const signed = `${identity} ${request.headers.get('traceparent')}`;
  const proven = identity && signature && (await verify(signature, signed));
  const raw = await request.arrayBuffer();
  const gzipped = request.headers.get('content-encoding') === 'gzip';
  const body = gzipped
    ? await pipe(raw, new DecompressionStream('gzip')).catch(() => undefined)
    : raw;
  return { body, caller: proven ? identity : undefined };
}

const hmacKey = () =>
  crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(MESH_KEY),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );

async function sign(text: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(), new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

async function verify(signature: string, text: string): Promise<boolean> {
  // Whoever calls may send anything here: what is not base64 is no signature (atob would throw).
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(signature) || signature.length % 4 !== 0) return false;
  const mac = Uint8Array.from(atob(signature), (char) => char.charCodeAt(0));
  return crypto.subtle.verify('HMAC', await hmacKey(), mac, new TextEncoder().encode(text));
}

const pipe = (bytes: ArrayBuffer, through: CompressionStream | DecompressionStream) =>
  new Response(new Blob([bytes]).stream().pipeThrough(through)).arrayBuffer();

const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');

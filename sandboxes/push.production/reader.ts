// reader: a price screen that stays current by itself. It logs in (a session cookie), keeps a socket
// to edge-b, acknowledges every price, and when the socket closes it reconnects with exponential
// backoff and jitter, saying the last seq it saw so the server replays what it missed.
const BASE_MS = 250; // the first retry waits up to this long
const CAP_MS = 8000; // no retry waits longer than this
const GIVE_UP = new Set([1000, 1008]); // done, or refused (log in again): retrying cannot help

type Price = { type: 'price'; seq: number; symbol: string; price: number; last: boolean };

export default async function main(_target: URL, env: SandboxEnv): Promise<void> {
  const edge = env.hosts['edge-b'];
  if (!edge) throw new Error('this sandbox needs a host named edge-b');
  // The cookie is kept by the browser and sent on the WebSocket handshake; JavaScript never sees it.
  await fetch(new URL('/login', edge), {
    method: 'POST',
    body: JSON.stringify({ user: 'reader' }),
  });
  const random = seededRandom('reader-26'); // any string; each client its own
  let lastSeq = 0;
  let attempt = 0;
  for (;;) {
    const url = new URL(`/live?after=${lastSeq}`, edge.href.replace(/^http/, 'ws'));
    const { code, reason, received } = await connect(url, (price) => (lastSeq = price.seq));
    if (GIVE_UP.has(code)) return console.log(`closed (${code} ${reason}); not retrying`);
    attempt = received > 0 ? 1 : attempt + 1; // a connection that delivered resets the backoff
    // Full jitter: anywhere between 0 and the exponential ceiling, so clients cut off together
    // do not all come back in the same millisecond.
    const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1));
    const delay = Math.floor(random() * ceiling);
    console.warn(
      `closed (${code} ${reason}); retry ${attempt} in ${delay} ms (of up to ${ceiling})`,
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** One connection: logs and acknowledges each price, resolves with how it closed. */
function connect(
  url: URL,
  onPrice: (price: Price) => void,
): Promise<{ code: number; reason: string; received: number }> {
  const socket = new WebSocket(url);
  let received = 0;
  socket.addEventListener('message', (event) => {
    const price = JSON.parse(String(event.data)) as Price & { replayed?: boolean };
    received += 1;
    onPrice(price);
    console.log(
      `#${price.seq} ${price.symbol} ${price.price}${price.replayed ? ' (replayed)' : ''}`,
    );
    socket.send(JSON.stringify({ type: 'ack', seq: price.seq }));
    if (price.last) socket.close(1000, 'market closed');
  });
  return new Promise((resolve) => {
    socket.addEventListener('close', ({ code, reason }) => resolve({ code, reason, received }));
  });
}

/**
 * Math.random() in production. Here each client draws from its own seeded sequence, so a run makes
 * the same attempts in the page and in Node while two clients still wait different times.
 */
function seededRandom(seed: string): () => number {
  let state = [...seed].reduce(
    (hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619),
    2166136261,
  );
  return () => {
    state = (state + 0x6d2b79f5) | 0; // mulberry32
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// crowd: a load generator playing the readers of one price screen. It grows the audience in three
// steps, to 10, 100 and 250 sockets. After each step the newsroom's price goes out to every socket,
// each reader acknowledges it except one in N, which has stopped reading (a frozen tab, a phone in
// a tunnel), and the crowd asks the server what its sockets cost it; after the last step, also
// what 1,000 and 10,000 would cost at the same rate.
const STEPS = [10, 100, 250];
const PROJECT = [1000, 10000];
const BATCH = 50; // sockets opened at once

interface Reader {
  socket: WebSocket;
  /** Resolves with the number the server gave this reader, or undefined if it was refused. */
  admitted: Promise<number | undefined>;
  stalled: boolean;
  closed?: number; // the close code, once closed
  /** Resolves when the next price (or the close) arrives. */
  next(): Promise<void>;
}

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const stalledEvery = env.params.stalledEvery ?? 10;
  const readers: Reader[] = [];
  let acks = 0;
  for (const [step, wanted] of STEPS.entries()) {
    while (readers.length < wanted) {
      const batch = Array.from({ length: Math.min(BATCH, wanted - readers.length) }, () =>
        connect(server, stalledEvery, () => (acks += 1)),
      );
      readers.push(...batch);
      await Promise.all(batch.map((reader) => reader.admitted));
    }
    const open = readers.filter((reader) => reader.closed === undefined);
    const prices = open.map((reader) => reader.next());
    const answer = await fetch(new URL('/publish', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'ACME', price: 100 + step / 4 }),
    });
    const { seq, sockets } = (await answer.json()) as { seq: number; sockets: number };
    await Promise.all(prices);
    const refused = readers.length - open.length;
    const stalled = open.filter((reader) => reader.stalled).length;
    console.log(
      `${count(wanted)} wanted: ${count(open.length)} connected` +
        `${refused ? `, ${count(refused)} refused` : ''}; price #${seq} went down ` +
        `${count(sockets)} sockets; ${stalled} stopped reading`,
    );
    const last = step === STEPS.length - 1;
    await fetch(
      new URL(`/stats?acks=${acks}${last ? `&project=${PROJECT.join(',')}` : ''}`, server),
    );
  }
  for (const reader of readers) if (reader.closed === undefined) reader.socket.close(1000, 'done');
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Opens one reader's socket. The server numbers readers as it admits them, and reader number n
 * stops reading if n is a multiple of `stalledEvery`; every other reader acknowledges each price.
 */
function connect(server: URL, stalledEvery: number, acked: () => void): Reader {
  const socket = new WebSocket(new URL('/live', server.href.replace(/^http/, 'ws')));
  let admit: (n: number | undefined) => void = () => {};
  let wake = () => {};
  const reader: Reader = {
    socket,
    admitted: new Promise((resolve) => (admit = resolve)),
    stalled: false,
    next: () => new Promise<void>((resolve) => (wake = resolve)),
  };
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { type: string; n: number; seq: number };
    if (message.type === 'hello') {
      reader.stalled = stalledEvery > 0 && message.n % stalledEvery === 0;
      return admit(message.n);
    }
    if (!reader.stalled) {
      socket.send(JSON.stringify({ type: 'ack', seq: message.seq }));
      acked();
    }
    wake();
  });
  socket.addEventListener('close', (event) => {
    reader.closed = event.code;
    admit(undefined);
    wake();
  });
  return reader;
}

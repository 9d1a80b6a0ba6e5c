// What every consumer does: keep a WebSocket open to its queue at the broker, handle one message
// at a time, and ack each one after the work is done. Never before: then a crash mid-work would
// lose the message. After it, a crash means the broker delivers it again (at least once).
export interface Delivery {
  tag: number; // the broker's number for this delivery: the ack names it
  id: number; // the message's id: the same in every queue and on every redelivery
  image: string;
  redelivered: boolean;
}
/** What the handler did with a message. 'no ack' = it failed and told nobody. */
export type Outcome = 'ack' | 'no ack' | 'ack, then go offline';

interface Options {
  queue: string;
  name: string;
  reconnectMs: number;
}

export async function consume(
  broker: URL,
  { queue, name, reconnectMs }: Options,
  handle: (delivery: Delivery, extend: () => void) => Promise<Outcome>,
): Promise<void> {
  const query = `topic=uploaded&queue=${queue}&consumer=${name}`;
  const url = new URL(`/consume?${query}`, broker.href.replace(/^http/, 'ws'));
  for (;;) {
    const socket = new WebSocket(url);
    let leaving = false; // true when we close the socket ourselves
    let work = Promise.resolve(); // messages are handled one after another, in arrival order
    socket.addEventListener('message', (event) => {
      const delivery = JSON.parse(String(event.data)) as Delivery;
      // "Still working on it": the broker restarts this delivery's ack timer.
      const extend = () => {
        if (socket.readyState === WebSocket.OPEN)
          socket.send(JSON.stringify({ extend: delivery.tag }));
      };
      work = work.then(async () => {
        const outcome = await handle(delivery, extend);
        if (outcome === 'no ack') return;
        if (socket.readyState !== WebSocket.OPEN) {
          return console.warn(`#${delivery.id} done, but the connection is gone: no ack possible`);
        }
        socket.send(JSON.stringify({ ack: delivery.tag }));
        if (outcome === 'ack, then go offline') {
          leaving = true;
          socket.close(1000, 'going offline');
        }
      });
    });
    const closed = await new Promise<CloseEvent>((done) => socket.addEventListener('close', done));
    const finished = closed.code === 1000 && !leaving; // the broker closed it: the demo is over
    if (!finished && !leaving) console.warn(`connection closed (${closed.code} ${closed.reason})`);
    await work; // a job already started runs to its end
    if (finished) return console.log(`the broker says: ${closed.reason}`);
    console.log(`offline; reconnecting in ${reconnectMs} ms`);
    await sleep(reconnectMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

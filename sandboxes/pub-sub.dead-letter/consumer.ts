// What every consumer here does: keep a WebSocket open to its queue, handle one message at a time,
// and settle each one when the work is over: ack it, or reject it, with or without requeue.
import type { Death } from './queue.ts';

export interface Delivery {
  tag: number; // the broker's number for this delivery: the ack or reject names it
  id: number;
  image: string;
  failedDeliveries: number; // RabbitMQ's x-delivery-count: how often it failed before
  death?: Death; // set on a message from a dead-letter queue: why it died
}
/** 'requeue': reject it, and let the broker deliver it again. 'dead-letter': reject it for good. */
export type Outcome = 'ack' | 'requeue' | 'dead-letter';

export async function consume(
  broker: URL,
  { queue, name }: { queue: string; name: string },
  handle: (delivery: Delivery) => Promise<Outcome>,
): Promise<void> {
  const url = new URL(
    `/consume?queue=${queue}&consumer=${name}`,
    broker.href.replace(/^http/, 'ws'),
  );
  const socket = new WebSocket(url);
  let work = Promise.resolve(); // messages are handled one after another, in arrival order
  socket.addEventListener('message', (event) => {
    const delivery = JSON.parse(String(event.data)) as Delivery;
    work = work.then(async () => {
      const outcome = await handle(delivery);
      if (outcome === 'ack') socket.send(JSON.stringify({ ack: delivery.tag }));
      else socket.send(JSON.stringify({ reject: delivery.tag, requeue: outcome === 'requeue' }));
    });
  });
  const closed = await new Promise<CloseEvent>((done) => socket.addEventListener('close', done));
  await work;
  console.log(`the broker says: ${closed.reason}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The broker. A publisher POSTs a message to a topic, and the topic copies it into every queue
// bound to it (fan-out). A consumer keeps a WebSocket open to one queue, and the consumers of one
// queue share its messages (a work queue). Delivery, acks and redelivery live in queue.ts.
//
// Why WebSocket rather than long polling: the broker pushes the next message the moment a consumer
// is free, with no request per message (RabbitMQ pushes over AMQP the same way); acks travel back
// on the same connection; and a socket that closes tells the broker at once that a consumer left.
import { Queue } from './queue.ts';

const topics = new Map<string, Queue[]>(); // topic → the queues bound to it
const queues = new Map<string, Queue>();
const queueOf = new Map<SandboxPeer, Queue>(); // each consumer's socket → its queue
// WebSocket hooks get no env, so each publish reads the ack timeout (every delivery follows one).
const settings = { ackTimeoutMs: 1000 };
let nextId = 1;
let draining = false;
let stopped = false;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    settings.ackTimeoutMs = env.params.ackTimeoutMs ?? 1000;
    const url = new URL(request.url);
    const topic = /^\/topics\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (request.method === 'POST' && topic) {
      const body = (await request.json().catch(() => null)) as { image?: unknown } | null;
      if (typeof body?.image !== 'string') {
        return Response.json(
          { error: 'expected JSON like {"image": "img-1.png"}' },
          { status: 400 },
        );
      }
      const message = { id: nextId++, image: body.image };
      // No queue bound to the topic: the message is dropped, as a RabbitMQ fanout exchange does.
      const bound = topics.get(topic) ?? [];
      for (const queue of bound) queue.publish(message);
      const queueNames = bound.map((queue) => queue.name);
      return Response.json({ id: message.id, queues: queueNames }, { status: 202 });
    }
    if (request.method === 'POST' && url.pathname === '/shutdown') {
      draining = true;
      stopWhenDrained();
      return new Response(null, { status: 202 });
    }
    return new Response('POST /topics/<name>, POST /shutdown, or WebSocket /consume', {
      status: 404,
    });
  },

  websocket: {
    open(peer: SandboxPeer): void {
      if (stopped) return peer.close(1000, 'the broker has shut down');
      const topic = peer.url.searchParams.get('topic') ?? '';
      const name = peer.url.searchParams.get('queue') ?? '';
      let queue = queues.get(name);
      if (!queue) {
        // A durable queue: made on first use, it keeps collecting messages while nobody consumes.
        queue = new Queue(name, settings);
        queues.set(name, queue);
        topics.set(topic, [...(topics.get(topic) ?? []), queue]);
      }
      queueOf.set(peer, queue);
      queue.join(peer, peer.url.searchParams.get('consumer') ?? peer.id);
    },
    message(peer: SandboxPeer, data: string | ArrayBuffer): void {
      // Consumers only send acks; anything but a JSON object is a broken client, closed with 1007,
      // "invalid payload data" (RFC 6455 §7.4.1), or 1003 for binary the broker never accepts.
      if (typeof data !== 'string') return peer.close(1003, 'text frames only');
      const said = jsonObject(data);
      if (!said) return peer.close(1007, 'expected JSON like {"ack": 1}');
      if (typeof said.ack === 'number') queueOf.get(peer)?.ack(peer, said.ack);
      stopWhenDrained();
    },
    close(peer: SandboxPeer, code: number, reason: string): void {
      queueOf.get(peer)?.leave(peer, `${code} ${reason}`.trim());
      queueOf.delete(peer);
    },
  },
};

/** Ends the demo once the publisher is done and every queue is empty and fully acknowledged. */
function stopWhenDrained(): void {
  if (!draining || stopped || ![...queues.values()].every((queue) => queue.drained)) return;
  stopped = true;
  for (const { name, counts } of queues.values()) {
    const { published, delivered, acked, redelivered } = counts;
    console.log(
      `queue ${name}: published ${published}, delivered ${delivered}, acked ${acked}, redelivered ${redelivered}`,
    );
  }
  const peers = [...queueOf.keys()];
  queueOf.clear();
  for (const peer of peers) peer.close(1000, 'all queues drained');
}

/** The JSON object a text message holds, or undefined if it is not JSON or not an object. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

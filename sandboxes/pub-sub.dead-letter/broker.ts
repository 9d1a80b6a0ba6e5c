// The broker. A publisher POSTs a message to a queue by name (RabbitMQ's default exchange routes by
// queue name the same way). Every queue has a dead-letter queue, `<name>.dlq`, where its poison
// messages go; consumers keep a WebSocket open to one queue, and ack or reject each message.
// Delivery counting and dead-lettering live in queue.ts.
import { Queue } from './queue.ts';

const queues = new Map<string, Queue>();
const queueOf = new Map<SandboxPeer, Queue>(); // each consumer's socket → its queue
// WebSocket hooks get no env, so each publish reads the limit (every delivery follows one).
const settings = { deliveryLimit: 3 };
let nextId = 1;
let draining = false;
let stopped = false;

/** A queue by name, made on first use; a work queue gets `<name>.dlq` as its dead-letter queue. */
function queueNamed(name: string): Queue {
  let queue = queues.get(name);
  if (!queue) {
    const deadLetters = name.endsWith('.dlq') ? undefined : queueNamed(`${name}.dlq`);
    queue = new Queue(name, settings, deadLetters);
    queues.set(name, queue);
  }
  return queue;
}

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    settings.deliveryLimit = env.params.deliveryLimit ?? 3;
    const url = new URL(request.url);
    const name = /^\/queues\/([\w.-]+)$/.exec(url.pathname)?.[1];
    if (request.method === 'POST' && name) {
      const body = (await request.json().catch(() => null)) as { image?: unknown } | null;
      if (typeof body?.image !== 'string') {
        return Response.json(
          { error: 'expected JSON like {"image": "img-1.png"}' },
          { status: 400 },
        );
      }
      const message = { id: nextId++, image: body.image, failedDeliveries: 0 };
      queueNamed(name).publish(message);
      return Response.json({ id: message.id, queue: name }, { status: 202 });
    }
    if (request.method === 'POST' && url.pathname === '/shutdown') {
      draining = true;
      stopWhenDrained();
      return new Response(null, { status: 202 });
    }
    return new Response('POST /queues/<name>, POST /shutdown, or WebSocket /consume?queue=<name>', {
      status: 404,
    });
  },

  websocket: {
    open(peer: SandboxPeer): void {
      if (stopped) return peer.close(1000, 'the broker has shut down');
      const queue = queueNamed(peer.url.searchParams.get('queue') ?? 'thumbnails');
      queueOf.set(peer, queue);
      queue.join(peer, peer.url.searchParams.get('consumer') ?? peer.id);
    },
    message(peer: SandboxPeer, data: string | ArrayBuffer): void {
      // Consumers only ack or reject; anything but a JSON object is a broken client, closed with
      // 1007, "invalid payload data" (RFC 6455 §7.4.1), or 1003 for binary it never accepts.
      if (typeof data !== 'string') return peer.close(1003, 'text frames only');
      const said = jsonObject(data);
      if (!said) return peer.close(1007, 'expected JSON like {"ack": 1} or {"reject": 1}');
      const queue = queueOf.get(peer);
      if (typeof said.ack === 'number') queue?.ack(peer, said.ack);
      if (typeof said.reject === 'number') queue?.reject(peer, said.reject, said.requeue !== false);
      stopWhenDrained();
    },
    close(peer: SandboxPeer): void {
      queueOf.get(peer)?.leave(peer);
      queueOf.delete(peer);
    },
  },
};

/** Ends the demo once the publisher is done and every queue is empty and settled. */
function stopWhenDrained(): void {
  if (!draining || stopped || ![...queues.values()].every((queue) => queue.drained)) return;
  stopped = true;
  const byName = [...queues.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const { name, counts } of byName) {
    const { published, delivered, acked, returned, deadLettered } = counts;
    console.log(
      `queue ${name}: published ${published}, delivered ${delivered}, acked ${acked}, returned ${returned}, dead-lettered ${deadLettered}`,
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

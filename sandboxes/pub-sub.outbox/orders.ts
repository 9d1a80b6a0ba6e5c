// The order service. POST /orders stores an order, and the rest of the company must hear of it: an
// event on the broker's topic `order-placed`, which billing reads. Two writes to two systems, and
// the service can die between them. The useOutbox knob picks the design:
// 0, the dual write: commit the order, then POST the event to the broker. A crash in between loses
//    the event for good: the order exists, and billing never hears of it.
// 1, the transactional outbox: commit the order and its event (a row in the outbox table) in one
//    transaction. Nothing is published here; relay.ts reads the outbox and publishes each row.
import { Database, type OutboxRow } from './database.ts';

const db = new Database();
const waitingRelays = new Set<() => void>(); // GET /outbox/next requests held for a row
let closing = false;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    const useOutbox = env.params.useOutbox === 1;
    const get = request.method === 'GET' || request.method === 'HEAD';
    if (request.method === 'POST' && url.pathname === '/orders') {
      const sent = (await request.json().catch(() => null)) as { item?: unknown; cents?: unknown };
      if (typeof sent?.item !== 'string' || !Number.isInteger(sent.cents)) {
        const error = 'expected JSON like {"item": "print", "cents": 1200}';
        return Response.json({ error }, { status: 400 });
      }
      const order = db.transaction((tables) => {
        const placed = {
          id: tables.orders.length + 1,
          item: sent.item as string,
          cents: Number(sent.cents),
        };
        tables.orders.push(placed);
        if (useOutbox) {
          tables.outbox.push({ id: placed.id, orderId: placed.id, payload: placed, sent: false });
        }
        return placed;
      });
      console.log(`order ${order.id} committed${useOutbox ? ', its event in the outbox' : ''}`);
      wakeRelays();
      if (order.id === env.params.crashAfterCommitOf) {
        const what = useOutbox
          ? 'the event is safe in the outbox'
          : 'the event was never published';
        console.warn(`order ${order.id}: the process crashes right after COMMIT: ${what}`);
        return Response.error(); // the connection drops: the caller gets no answer
      }
      if (!useOutbox) await publish(env, { id: order.id, orderId: order.id, payload: order });
      return Response.json(order, { status: 201 });
    }
    if (get && url.pathname === '/orders') return Response.json(db.orders);
    if (get && url.pathname === '/outbox/next') {
      while (!db.nextUnsent() && !closing) {
        await new Promise<void>((resolve) => waitingRelays.add(resolve));
      }
      const row = db.nextUnsent();
      return Response.json(row ? { row } : { done: true });
    }
    const sentRow = /^\/outbox\/(\d+)\/sent$/.exec(url.pathname)?.[1];
    if (request.method === 'POST' && sentRow) {
      if (!db.markSent(Number(sentRow)))
        return Response.json({ error: 'no such row' }, { status: 404 });
      await closeBrokerWhenDone(env);
      return new Response(null, { status: 204 });
    }
    if (request.method === 'POST' && url.pathname === '/close') {
      closing = true;
      wakeRelays();
      await closeBrokerWhenDone(env);
      return new Response(null, { status: 202 });
    }
    return new Response('POST /orders, GET /orders, GET /outbox/next, POST /outbox/<id>/sent', {
      status: 404,
    });
  },
};

/** The second write of the dual write: the event, straight to the broker. */
async function publish(env: SandboxEnv, event: Omit<OutboxRow, 'sent'>): Promise<void> {
  await fetch(new URL('/topics/order-placed', env.hosts.broker), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
}

function wakeRelays(): void {
  for (const wake of waitingRelays) wake();
  waitingRelays.clear();
}

/** Only so that the demo ends: once checkout is done and every event is out, the topic closes. */
async function closeBrokerWhenDone(env: SandboxEnv): Promise<void> {
  if (!closing || db.nextUnsent()) return;
  await fetch(new URL('/close', env.hosts.broker), { method: 'POST' });
}

// The broker: one topic, `order-placed`, kept as a list. Publishers POST events; a consumer asks for
// the event after the last one it read, and the request is held until there is one (long polling).
interface Event {
  id: number;
  orderId: number;
  payload: unknown;
}
const events: Event[] = [];
const waiting = new Set<() => void>();
let closed = false;

const wake = () => {
  for (const resolve of waiting) resolve();
  waiting.clear();
};

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/topics/order-placed') {
      const event = (await request.json().catch(() => null)) as Partial<Event> | null;
      if (!Number.isInteger(event?.id) || !Number.isInteger(event?.orderId)) {
        const error = 'expected JSON like {"id": 1, "orderId": 1, "payload": {}}';
        return Response.json({ error }, { status: 400 });
      }
      events.push(event as Event);
      console.log(`event ${event?.id} on order-placed (offset ${events.length - 1})`);
      wake();
      return Response.json({ offset: events.length - 1 }, { status: 201 });
    }
    if (['GET', 'HEAD'].includes(request.method) && url.pathname === '/topics/order-placed/next') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      if (offset >= events.length && !closed) {
        await new Promise<void>((resolve) => waiting.add(resolve));
      }
      const event = events[offset];
      return Response.json(event ? { offset, event } : { done: true });
    }
    if (request.method === 'POST' && url.pathname === '/close') {
      closed = true;
      wake();
      return new Response(null, { status: 202 });
    }
    return new Response('POST /topics/order-placed, GET /topics/order-placed/next?offset=<n>', {
      status: 404,
    });
  },
};

// The broker: one topic, `order-placed`, kept as a log, and Kafka's idempotent producer in
// miniature. A producer asks for a producer id once per session; each record it sends carries
// that id and a sequence number (0, 1, 2…). The broker remembers the last sequence it wrote for
// each producer id, and a record whose sequence it has already written is a retry: it answers
// with the first copy's offset and writes nothing. (Kafka keeps this per partition.) A record
// without a producer id is written as it comes.
interface Placed {
  id: number;
  orderId: number;
  cents: number;
}
interface Record {
  offset: number;
  event: Placed;
}

const log: Record[] = [];
const lastWritten = new Map<number, { sequence: number; offset: number }>(); // by producer id
let producers = 0;
let ackLost = false;
let closed = false;
const waiting = new Set<() => void>();

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/producers') {
      producers += 1; // Kafka's InitProducerId: a new session gets a new id
      return Response.json({ producerId: producers }, { status: 201 });
    }
    if (request.method === 'POST' && url.pathname === '/topics/order-placed') {
      return append(request, env);
    }
    const get = request.method === 'GET' || request.method === 'HEAD';
    if (get && url.pathname === '/topics/order-placed/next') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      while (offset >= log.length && !closed) {
        await new Promise<void>((resolve) => waiting.add(resolve));
      }
      const record = log[offset];
      return Response.json(record ?? { done: true });
    }
    if (request.method === 'POST' && url.pathname === '/close') {
      closed = true;
      console.log(`log: events ${log.map((record) => record.event.id).join(', ')}`);
      wake();
      return new Response(null, { status: 202 });
    }
    return new Response('POST /producers, POST /topics/order-placed, GET …/next?offset=<n>', {
      status: 404,
    });
  },
};

async function append(request: Request, env: SandboxEnv): Promise<Response> {
  const sent = (await request.json().catch(() => null)) as {
    producerId?: unknown;
    sequence?: unknown;
    event?: Partial<Placed>;
  } | null;
  const event = sent?.event;
  if (!Number.isInteger(event?.id) || !Number.isInteger(event?.orderId)) {
    const error = 'expected {"event": {"id": 1, "orderId": 1, "cents": 1200}}';
    return Response.json({ error }, { status: 400 });
  }
  const { producerId, sequence } = sent ?? {};
  const idempotent = typeof producerId === 'number' && typeof sequence === 'number';
  const last = idempotent ? lastWritten.get(producerId) : undefined;
  if (idempotent && last && sequence <= last.sequence) {
    console.log(
      `producer ${producerId}, sequence ${sequence}: already at offset ${last.offset}, not written again`,
    );
    return Response.json({ offset: last.offset, duplicate: true });
  }
  const offset = log.push({ offset: log.length, event: event as Placed }) - 1;
  if (idempotent) lastWritten.set(producerId, { sequence, offset });
  const by = idempotent ? ` (producer ${producerId}, sequence ${sequence})` : '';
  console.log(`offset ${offset}: event ${event?.id}${by}`);
  wake();
  if (event?.id === env.params.ackLostFor && !ackLost) {
    ackLost = true;
    console.warn(`event ${event?.id} is written, but its acknowledgement is lost on the way back`);
    return Response.error(); // the connection drops: the producer cannot tell whether it was written
  }
  return Response.json({ offset }, { status: 201 });
}

function wake(): void {
  for (const resolve of waiting) resolve();
  waiting.clear();
}

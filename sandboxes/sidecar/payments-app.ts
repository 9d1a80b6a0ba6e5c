// The payments app: charges an order once, however often it is asked (the charge is keyed by order
// id). To give the sidecar something to do, it misbehaves at first: it answers 503 to its first
// `failures` requests, then hangs, answering nothing, on the next `hangs` requests.
const charges = new Map<string, { chargeId: string; cents: number }>();
let requests = 0;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    const n = ++requests;
    const failures = env.params.failures ?? 2;
    const hangs = env.params.hangs ?? 1;
    // The app logs the trace context it was given; it never made one, the sidecars did.
    console.log(
      `request ${n}: ${request.method} ${pathname}, traceparent ${request.headers.get('traceparent')}`,
    );
    if (n <= failures) {
      console.warn(`request ${n}: 503 (overloaded, on purpose)`);
      return Response.json({ error: 'overloaded' }, { status: 503 });
    }
    if (n <= failures + hangs) {
      console.warn(`request ${n}: hanging (a stuck database call, on purpose)`);
      return new Promise<Response>(() => {}); // never answers, never notices the caller leave
    }
    const orderId = /^\/charges\/([\w-]+)$/.exec(pathname)?.[1];
    if (request.method !== 'PUT' || !orderId) {
      return Response.json({ error: 'PUT /charges/<order id>' }, { status: 404 });
    }
    const { cents } = ((await request.json().catch(() => null)) ?? {}) as { cents?: unknown };
    if (typeof cents !== 'number' || !Number.isInteger(cents)) {
      return Response.json({ error: 'expected JSON like {"cents": 2500}' }, { status: 400 });
    }
    const earlier = charges.get(orderId);
    if (earlier) {
      console.log(
        `request ${n}: ${orderId} was already charged as ${earlier.chargeId}: same answer`,
      );
      return Response.json(earlier);
    }
    const charge = { chargeId: `ch_${charges.size + 1}`, cents };
    charges.set(orderId, charge);
    console.log(
      `request ${n}: charged ${orderId} ${(cents / 100).toFixed(2)} EUR as ${charge.chargeId}`,
    );
    return Response.json(charge);
  },
};

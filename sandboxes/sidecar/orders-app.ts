// The orders app. It knows nothing about retries, timeouts, certificates or where payments runs:
// it sends one plain HTTP/1.1 request to the sidecar beside it (localhost, in a real pod) and waits.
let nextOrder = 1001;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/orders') {
      return Response.json({ error: 'POST /orders' }, { status: 404 });
    }
    const body = (await request.json().catch(() => null)) as {
      item?: unknown;
      cents?: unknown;
    } | null;
    const { item, cents } = body ?? {};
    if (typeof item !== 'string' || !Number.isInteger(cents)) {
      return Response.json(
        { error: 'expected JSON like {"item": "lamp", "cents": 2500}' },
        { status: 400 },
      );
    }
    const orderId = `order-${nextOrder++}`;
    // The one thing an app must do for tracing: pass the incoming trace context on.
    const traceparent = request.headers.get('traceparent') ?? '';
    console.log(`${orderId} (${item}): traceparent ${traceparent || 'none'}`);

    const started = Date.now();
    // PUT, because charging the same order twice is still one charge: safe for a sidecar to retry.
    const payment = await fetch(
      new URL(`/payments/charges/${orderId}`, env.hosts['orders-sidecar']),
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', traceparent },
        body: JSON.stringify({ cents, currency: 'EUR', card: 'tok_visa_4242', item }),
      },
    );
    console.log(`${orderId}: payments answered ${payment.status} in ${Date.now() - started} ms`);
    if (!payment.ok) return Response.json({ orderId, status: 'payment failed' }, { status: 502 });
    return Response.json(
      { orderId, status: 'paid', charge: await payment.json() },
      { status: 201 },
    );
  },
};

// The shop's checkout places three orders with the orders app, one after another. Like a browser
// page instrumented with OpenTelemetry, it starts a trace for each: a W3C `traceparent` header,
// 00-<trace id>-<span id>-01. Every hop after it should carry the same trace id.
const ORDERS: Array<[item: string, cents: number]> = [
  ['keyboard', 4900],
  ['monitor', 18900],
  ['cable', 900],
];

export default async function main(ordersApp: URL): Promise<void> {
  for (const [item, cents] of ORDERS) {
    const traceId = randomHex(16);
    const started = Date.now();
    const response = await fetch(new URL('/orders', ordersApp), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomHex(8)}-01`,
      },
      body: JSON.stringify({ item, cents }),
    });
    const order = (await response.json()) as { orderId: string; status: string };
    // orders-app logs the traceparent it receives: the trace id there is the one made here.
    console.log(`${item}: ${response.status} ${order.status} in ${Date.now() - started} ms`);
  }
}

const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');

// The checkout: places four orders, one after another, then reads back what the database holds.
const ORDERS = [
  { item: 'print', cents: 1200 },
  { item: 'poster', cents: 2500 },
  { item: 'canvas', cents: 8900 },
  { item: 'mug', cents: 1500 },
];

export default async function main(orders: URL): Promise<void> {
  for (const [index, order] of ORDERS.entries()) {
    const response = await fetch(new URL('/orders', orders), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    }).catch(() => undefined);
    if (!response)
      console.warn(`order ${index + 1} (${order.item}): no answer, the connection dropped`);
    else console.log(`order ${index + 1} (${order.item}): ${response.status}`);
  }
  const stored = (await (await fetch(new URL('/orders', orders))).json()) as Array<{ id: number }>;
  console.log(`the database holds orders ${stored.map((order) => order.id).join(', ')}`);
  // Only so that this demo ends: the service closes the topic once every event is out.
  await fetch(new URL('/close', orders), { method: 'POST' });
}

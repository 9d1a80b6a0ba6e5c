// mailer: reads `order-placed` from the start and emails the customer a receipt for each order,
// once. It keeps the ids of the events it has emailed and skips a record it has seen (in
// production, a durable table keyed by event id, not a Set that a restart forgets).
interface Placed {
  id: number;
  orderId: number;
  cents: number;
}

export default async function main(_broker: URL, env: SandboxEnv): Promise<void> {
  const emailed = new Set<number>();
  const receipts: number[] = [];
  for (let offset = 0; ; offset++) {
    const url = new URL(`/topics/order-placed/next?offset=${offset}`, env.hosts.broker);
    const { event, done } = (await (await fetch(url)).json()) as { event?: Placed; done?: boolean };
    if (done || !event) break;
    if (emailed.has(event.id)) {
      console.warn(`event ${event.id} again at offset ${offset}: receipt already emailed, skipped`);
      continue;
    }
    emailed.add(event.id);
    receipts.push(event.orderId);
    console.log(`receipt for order ${event.orderId} emailed (event ${event.id}, offset ${offset})`);
  }
  console.log(`${receipts.length} receipts emailed, for orders ${receipts.join(', ')}`);
}

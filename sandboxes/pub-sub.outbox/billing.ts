// billing: reads `order-placed` and bills each order once. An event may come twice (the relay
// publishes at least once), so billing remembers the event ids it has handled and skips a repeat.
interface Placed {
  id: number;
  orderId: number;
  payload: { cents: number };
}

export default async function main(_orders: URL, env: SandboxEnv): Promise<void> {
  const billed = new Set<number>();
  for (let offset = 0; ; offset++) {
    const url = new URL(`/topics/order-placed/next?offset=${offset}`, env.hosts.broker);
    const { event, done } = (await (await fetch(url)).json()) as { event?: Placed; done?: boolean };
    if (done || !event) break;
    if (billed.has(event.id)) {
      console.warn(`event ${event.id} again: order ${event.orderId} already billed, skipped`);
      continue;
    }
    billed.add(event.id);
    console.log(`billed order ${event.orderId}: ${(event.payload.cents / 100).toFixed(2)} EUR`);
  }
  console.log(`billed orders ${[...billed].join(', ')}`);
}

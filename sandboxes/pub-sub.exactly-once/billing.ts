// billing: reads `order-placed` from the start and charges each order's card once. It keeps the
// ids of the events it has handled and skips one it has seen (in production, a table with a
// unique key, written in the same transaction as the charge).
interface Placed {
  id: number;
  orderId: number;
  cents: number;
}

export default async function main(_broker: URL, env: SandboxEnv): Promise<void> {
  const handled = new Set<number>();
  for (let offset = 0; ; offset++) {
    const url = new URL(`/topics/order-placed/next?offset=${offset}`, env.hosts.broker);
    const { event, done } = (await (await fetch(url)).json()) as { event?: Placed; done?: boolean };
    if (done || !event) break;
    if (handled.has(event.id)) {
      console.warn(
        `event ${event.id} again at offset ${offset}: order ${event.orderId} already charged, skipped`,
      );
      continue;
    }
    handled.add(event.id);
    console.log(`charged order ${event.orderId}: ${(event.cents / 100).toFixed(2)} EUR`);
  }
  console.log(`charged orders ${[...handled].join(', ')}, each once`);
}

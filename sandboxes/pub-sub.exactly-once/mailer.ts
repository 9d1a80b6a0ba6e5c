// mailer: reads `order-placed` from the start and emails the customer a receipt for each record.
// An email cannot be taken back, and this consumer keeps no record of what it has sent.
interface Placed {
  id: number;
  orderId: number;
  cents: number;
}

export default async function main(_broker: URL, env: SandboxEnv): Promise<void> {
  const receipts: number[] = [];
  for (let offset = 0; ; offset++) {
    const url = new URL(`/topics/order-placed/next?offset=${offset}`, env.hosts.broker);
    const { event, done } = (await (await fetch(url)).json()) as { event?: Placed; done?: boolean };
    if (done || !event) break;
    receipts.push(event.orderId);
    console.log(`receipt for order ${event.orderId} emailed (event ${event.id}, offset ${offset})`);
  }
  console.log(`${receipts.length} receipts emailed, for orders ${receipts.join(', ')}`);
}

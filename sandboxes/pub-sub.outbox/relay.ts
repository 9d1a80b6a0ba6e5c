// The outbox relay: reads the order service's outbox, oldest unsent row first, publishes each row
// to the broker, then marks it sent. If it dies between the publish and the mark, it publishes that
// row again when it comes back: delivery is at least once, and billing skips the repeat by event id.
// (Debezium's outbox event router does this job by reading the database's change log instead.)
export default async function main(orders: URL, env: SandboxEnv): Promise<void> {
  if (env.params.useOutbox !== 1) console.log('no outbox in this design: nothing to relay');
  let crashAfter = env.params.relayCrashAfterPublishOf ?? 0; // the knob: once, at that event
  for (;;) {
    const answer = await fetch(new URL('/outbox/next', orders));
    const { row, done } = (await answer.json()) as { row?: { id: number }; done?: boolean };
    if (done || !row) return console.log('outbox empty and the service closed');
    await fetch(new URL('/topics/order-placed', env.hosts.broker), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(row),
    });
    if (row.id === crashAfter) {
      crashAfter = 0;
      console.warn(`crashed after publishing event ${row.id}, before marking it sent; restarted`);
      continue; // a new process: it knows only what the outbox says, and the row is still unsent
    }
    await fetch(new URL(`/outbox/${row.id}/sent`, orders), { method: 'POST' });
    console.log(`event ${row.id} published, row marked sent`);
  }
}

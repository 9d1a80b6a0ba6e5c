// producer: the outbox relay of the sandbox before, now a Kafka-style producer. It publishes the
// four events in the order service's outbox, oldest first, and marks each row sent once the broker
// has acknowledged it. Two things go wrong, once each (the knobs say when):
// - an acknowledgement is lost: the producer sends the same record again, with the same producer
//   id and sequence number, as Kafka's producer retries a send it got no answer for;
// - the producer crashes after the broker wrote an event and before the row was marked sent. The
//   new process starts a new session, with a new producer id, and sends that row again.
const OUTBOX = [
  { id: 1, orderId: 1, cents: 1200 },
  { id: 2, orderId: 2, cents: 2500 },
  { id: 3, orderId: 3, cents: 8900 },
  { id: 4, orderId: 4, cents: 1500 },
];
const RETRIES = 3;

interface Send {
  producerId?: number;
  sequence?: number;
  event: (typeof OUTBOX)[number];
}

export default async function main(broker: URL, env: SandboxEnv): Promise<void> {
  const idempotent = env.params.idempotentProducer !== 0; // Kafka's enable.idempotence
  let crashAfter = env.params.crashAfterWriting ?? 0;
  const marked = new Set<number>(); // rows marked sent: in the database, so they outlive a crash
  while (OUTBOX.some((row) => !marked.has(row.id))) {
    const producerId = idempotent ? await startSession(broker) : undefined;
    let sequence = 0;
    for (const event of OUTBOX.filter((row) => !marked.has(row.id))) {
      const offset = await send(broker, {
        producerId,
        sequence: producerId === undefined ? undefined : sequence,
        event,
      });
      sequence += 1;
      if (event.id === crashAfter) {
        crashAfter = 0;
        console.warn(`crashed after event ${event.id} was written, before marking it sent`);
        break; // a new process: it knows only what the outbox says, and the row is still unsent
      }
      marked.add(event.id);
      console.log(`event ${event.id} at offset ${offset}, row marked sent`);
    }
  }
  // Only so that the demo ends: the topic closes once every row is out.
  await fetch(new URL('/close', broker), { method: 'POST' });
}

/** Kafka's InitProducerId: each session of the producer gets an id of its own. */
async function startSession(broker: URL): Promise<number> {
  const answer = await fetch(new URL('/producers', broker), { method: 'POST' });
  const { producerId } = (await answer.json()) as { producerId: number };
  console.log(`session started: producer id ${producerId}`);
  return producerId;
}

/** Sends one record; with no answer, sends the same record again, up to RETRIES times. */
async function send(broker: URL, record: Send): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(new URL('/topics/order-placed', broker), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(record),
    }).catch(() => undefined);
    if (answer?.ok) {
      const { offset, duplicate } = (await answer.json()) as {
        offset: number;
        duplicate?: boolean;
      };
      if (duplicate) console.log(`event ${record.event.id}: the broker had it already`);
      return offset;
    }
    if (attempt === RETRIES) throw new Error(`event ${record.event.id}: no answer after retries`);
    const same =
      record.producerId === undefined
        ? 'the same event'
        : `the same record, producer id ${record.producerId}, sequence ${record.sequence}`;
    console.warn(`event ${record.event.id}: no acknowledgement; sending ${same} again`);
  }
}

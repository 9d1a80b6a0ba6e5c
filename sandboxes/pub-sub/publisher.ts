// The upload service. After each upload it publishes one message to the topic `uploaded` and moves
// on: it does not know who reads the message, or when, and it never waits for them.
// Eight uploads; img-4.raw is a 40 MB camera file, and audit needs a long time for that one.
const UPLOADS = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => (n === 4 ? 'img-4.raw' : `img-${n}.png`));

export default async function main(broker: URL, env: SandboxEnv): Promise<void> {
  const every = env.params.publishEveryMs ?? 400;
  const started = Date.now();
  for (const [index, image] of UPLOADS.entries()) {
    // Uploads come on a steady clock. The first wait also lets the consumers connect and bind.
    await sleep(started + (index + 1) * every - Date.now());
    const response = await fetch(new URL('/topics/uploaded', broker), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image }),
    });
    const { id, queues } = (await response.json()) as { id: number; queues: string[] };
    console.log(`published #${id} ${image}: ${response.status}, copied into ${queues.join(', ')}`);
  }
  // Only so that this demo ends: the broker stops once every queue is empty and acknowledged.
  await fetch(new URL('/shutdown', broker), { method: 'POST' });
  console.log(`all ${UPLOADS.length} published; the consumers catch up at their own pace`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

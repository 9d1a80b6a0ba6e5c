// The newsroom: something happens (an order ships) and it asks the push server to tell everyone.
// It publishes over plain HTTP; the server turns each POST into one WebSocket frame per subscriber.
const NOTIFICATIONS = 8;

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  await sleep(250); // give the subscribers a moment to connect
  for (let n = 1; n <= NOTIFICATIONS; n++) {
    const response = await fetch(new URL('/notify', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `order ${1000 + n} shipped`, last: n === NOTIFICATIONS }),
    });
    const { seq, deliveredTo } = (await response.json()) as { seq: number; deliveredTo: string[] };
    // "Delivered" here means "written to a socket": the server cannot know whether anyone read it.
    console.log(`#${seq} pushed to ${deliveredTo.length}: ${deliveredTo.join(', ') || 'nobody'}`);
    if (n < NOTIFICATIONS) await sleep(env.params.pushIntervalMs ?? 500);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A build dashboard that long-polls for news. Each poll says what the dashboard has already seen
// (?after=<cursor>); the next poll goes out as soon as the answer has been handled.
interface Message {
  id: number;
  text: string;
  done: boolean;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function main(proxy: URL, env: SandboxEnv): Promise<void> {
  let cursor = 0; // the id of the last message this dashboard has processed
  let lost = 0;
  for (let poll = 1; ; poll++) {
    const sent = Date.now();
    const response = await fetch(new URL(`/poll?after=${cursor}`, proxy));
    const held = Date.now() - sent;

    if (response.status === 204) {
      console.log(`poll ${poll}: held ${held} ms, nothing new; asking again at once`);
      continue;
    }
    if (!response.ok) {
      // A 504 from the proxy: the cursor did not move, so nothing is lost. Real clients back off.
      console.warn(`poll ${poll}: ${response.status} after ${held} ms; retrying in 250 ms`);
      await sleep(250);
      continue;
    }

    const { messages } = (await response.json()) as { messages: Message[]; cursor: number };
    if (messages.length > 1) console.log(`poll ${poll}: ${messages.length} in one answer`);
    for (const { id, text, at } of messages) {
      if (id > cursor + 1) console.warn(`lost ${id - cursor - 1} message(s) before #${id}!`);
      lost += Math.max(0, id - cursor - 1);
      console.log(`poll ${poll}: held ${held} ms → #${id} "${text}" (${Date.now() - at} ms old)`);
      cursor = id;
    }
    if (messages.some((message) => message.done)) {
      console.log(`build finished after ${poll} polls: ${cursor - lost} messages, ${lost} lost`);
      return;
    }
    // Handling the answer takes time. Meanwhile no poll is parked at the server: the reconnect gap.
    await sleep(env.params.processingMs ?? 400);
  }
}

// One way to pass "Give every poll a deadline": abort a poll after 500 ms, ask again, same cursor.
// A build dashboard that long-polls for news. Each poll says what the dashboard has already seen
// (?after=<cursor>); the next poll goes out as soon as the answer has been handled.
interface Message {
  id: number;
  text: string;
  done: boolean;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The client's own deadline per poll. In production it sits a few seconds above the server's hold;
// 500 ms here makes it fire on the first poll, which the server holds for about 700 ms.
const POLL_DEADLINE_MS = 500;

export default async function main(proxy: URL, env: SandboxEnv): Promise<void> {
  let cursor = 0; // the id of the last message this dashboard has processed
  let lost = 0;
  for (let poll = 1; ; poll++) {
    const sent = Date.now();
    let response: Response;
    try {
      const signal = AbortSignal.timeout(POLL_DEADLINE_MS); // aborting also frees the held poll
      response = await fetch(new URL(`/poll?after=${cursor}`, proxy), { signal });
    } catch {
      // No answer in time: give up on this poll (one in flight at a time) and ask again at once.
      console.warn(`poll ${poll}: no answer after ${Date.now() - sent} ms; aborted, asking again`);
      continue;
    }
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

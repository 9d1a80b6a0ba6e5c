// One way to pass "Shrink the reconnect gap": receiving and handling run as two loops, so the next
// poll goes out the moment an answer arrives, and is parked at the server while answers are handled.
interface Message {
  id: number;
  text: string;
  done: boolean;
  at: number;
}
interface Answer {
  poll: number;
  held: number;
  messages: Message[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function main(proxy: URL, env: SandboxEnv): Promise<void> {
  const inbox: Answer[] = []; // answers received and not handled yet
  let wake = (): void => {};

  // Receiving: ask again as soon as an answer is in. Still one poll in flight at a time.
  const receiving = (async () => {
    let after = 0; // the id of the last message received
    for (let poll = 1; ; poll++) {
      const sent = Date.now();
      const response = await fetch(new URL(`/poll?after=${after}`, proxy));
      const held = Date.now() - sent;
      if (response.status === 204) {
        console.log(`poll ${poll}: held ${held} ms, nothing new; asking again at once`);
        continue;
      }
      if (!response.ok) {
        console.warn(`poll ${poll}: ${response.status} after ${held} ms; retrying in 250 ms`);
        await sleep(250);
        continue;
      }
      const { messages } = (await response.json()) as { messages: Message[]; cursor: number };
      after = messages.at(-1)?.id ?? after;
      inbox.push({ poll, held, messages });
      wake();
      if (messages.some((message) => message.done)) return;
    }
  })();

  // Handling: one answer at a time, processingMs each, while the next poll waits at the server.
  let cursor = 0; // the id of the last message this dashboard has processed
  let lost = 0;
  for (;;) {
    const answer = inbox.shift();
    if (!answer) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const { poll, held, messages } = answer;
    if (messages.length > 1) console.log(`poll ${poll}: ${messages.length} in one answer`);
    for (const { id, text, at } of messages) {
      if (id > cursor + 1) console.warn(`lost ${id - cursor - 1} message(s) before #${id}!`);
      lost += Math.max(0, id - cursor - 1);
      console.log(`poll ${poll}: held ${held} ms → #${id} "${text}" (${Date.now() - at} ms old)`);
      cursor = id;
    }
    if (messages.some((message) => message.done)) {
      await receiving;
      console.log(`build finished after ${poll} polls: ${cursor - lost} messages, ${lost} lost`);
      return;
    }
    await sleep(env.params.processingMs ?? 400); // handling the answer takes time
  }
}

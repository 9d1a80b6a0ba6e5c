// A page at http://dashboard.test, on the feed's allow-list. It reads the stream with fetch() and
// its cookies (credentials: 'include', what EventSource's withCredentials: true sets), and resumes
// with Last-Event-ID: a header the browser sends only after a preflight says it may.
import { crossOriginFetch } from './browser.ts';

const PAGE = 'http://dashboard.test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function main(api: URL): Promise<void> {
  let lastEventId = '';
  let received = 0;
  for (;;) {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    let response: Response;
    try {
      response = await crossOriginFetch(PAGE, new URL('/prices', api), {
        headers,
        credentials: 'include',
      });
    } catch (error) {
      console.log(`the stream failed: ${String(error)}; nothing more to learn here`);
      return;
    }
    if (response.status === 204) break; // the feed is over
    console.log(lastEventId ? `stream open again after #${lastEventId}` : 'stream open');
    for await (const event of events(response.body as ReadableStream<Uint8Array>)) {
      lastEventId = event.id;
      received += 1;
      console.log(
        `#${event.id} ACME ${(JSON.parse(event.data) as { price: number }).price.toFixed(2)}`,
      );
    }
    await sleep(300); // the stream ended: reconnect
  }
  console.log(`the feed is over: ${received} prices read from another origin`);
}

/** Just enough of a text/event-stream parser for this server (the full one: server-sent-events.fetch). */
async function* events(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'm').exec(block)?.[1] ?? '';
      yield { id: field('id'), data: field('data') };
    }
  }
}

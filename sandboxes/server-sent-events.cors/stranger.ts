// A page at http://stranger.test, which is not on the feed's allow-list, opens the same stream
// (without credentials, as a plain `new EventSource(url)` would). The request reaches the server,
// and the server answers; what the browser then lets this page's code see is the lesson.
import { crossOriginFetch } from './browser.ts';

const PAGE = 'http://stranger.test';

export default async function main(api: URL): Promise<void> {
  try {
    const response = await crossOriginFetch(PAGE, new URL('/prices', api), {
      headers: { accept: 'text/event-stream' },
    });
    // Only when the server answers Access-Control-Allow-Origin: * (or names this page).
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    console.log(`read the stream: ${new TextDecoder().decode(value).split('\n')[0]} …`);
    await reader.cancel(); // one price is enough to prove it
  } catch (error) {
    // All the page learns: no status, no headers, no reason (DevTools shows the reason, code cannot).
    console.log(`fetch rejected with ${String(error)}: the page cannot read the stream`);
  }
}

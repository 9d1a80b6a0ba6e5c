// Seven browser tabs with the ticker open, each with its own EventSource to the same host. Over
// HTTP/1.1 a browser opens at most six connections per host and an open stream keeps its
// connection, so tab 7 waits until another tab closes its stream. Over HTTP/2 the seven streams
// share one connection and all start at once. connections.ts plays the browser's part.
import { browserConnections } from './connections.ts';

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const http2 = env.params.http2 === 1;
  const browser = browserConnections(http2);
  const started = Date.now();
  const tab = async (n: number) => {
    const connection = await browser.acquire(); // HTTP/1.1: maybe a wait in line
    const source = new EventSource(new URL('/clock', server));
    await new Promise<void>((resolve) => {
      let ticks = 0;
      source.addEventListener('open', () => {
        const why = connection.waitedMs > 0 ? ': it waited for a free connection' : '';
        console.log(
          `tab ${n}: stream open after ${Date.now() - started} ms on ${connection.via}${why}`,
        );
      });
      source.addEventListener('tick', () => {
        if (++ticks < 3) return;
        source.close(); // this tab is done
        connection.release(); // HTTP/1.1: its connection is free for the next request
        resolve();
      });
    });
  };
  await Promise.all([1, 2, 3, 4, 5, 6, 7].map(tab));
  const { connections, streams, peakOpen } = browser.stats;
  console.log(
    `7 tabs got 3 ticks each in ${Date.now() - started} ms over ${http2 ? 'HTTP/2' : 'HTTP/1.1'}: ` +
      `${streams} streams on ${connections.size} connection${connections.size === 1 ? '' : 's'}, ` +
      `at most ${peakOpen} open at once`,
  );
}

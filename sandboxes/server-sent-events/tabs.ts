// Seven browser tabs with the ticker open, each with its own EventSource to the same host. Over
// HTTP/1.1 a browser opens at most 6 connections per host and an open stream keeps its connection,
// so tab 7 waits until another tab closes its stream. (HTTP/2 carries all seven on one connection;
// Node has no such limit, so there tab 7 connects at once.)
export default async function main(server: URL): Promise<void> {
  const started = Date.now();
  let firstOpen: number | undefined;
  const tab = (n: number) =>
    new Promise<void>((resolve) => {
      const source = new EventSource(new URL('/clock', server));
      let ticks = 0;
      source.addEventListener('open', () => {
        firstOpen ??= Date.now();
        const why = Date.now() - firstOpen > 250 ? ': it waited for a free connection' : '';
        console.log(`tab ${n}: stream open after ${Date.now() - started} ms${why}`);
      });
      source.addEventListener('tick', () => {
        if (++ticks < 3) return;
        source.close(); // this tab is done: its connection is free for the next request
        resolve();
      });
    });
  await Promise.all([1, 2, 3, 4, 5, 6, 7].map(tab));
  console.log(`7 tabs got 3 ticks each in ${Date.now() - started} ms`);
}

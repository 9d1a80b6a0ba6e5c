// One way to pass "Share one stream between the tabs": seven tabs, one EventSource, one connection.
// In a browser a SharedWorker or a BroadcastChannel plays this part: one tab (or the worker) holds
// the stream and hands each event to the others, so the six-connection limit never bites.
export default async function main(server: URL): Promise<void> {
  const started = Date.now();
  const source = new EventSource(new URL('/clock', server));
  source.addEventListener('open', () => {
    console.log(`one shared stream open after ${Date.now() - started} ms`);
  });
  const tab = (n: number) =>
    new Promise<void>((resolve) => {
      let ticks = 0;
      const onTick = (): void => {
        if (++ticks === 1) console.log(`tab ${n}: first tick after ${Date.now() - started} ms`);
        if (ticks < 3) return;
        source.removeEventListener('tick', onTick); // this tab is done
        resolve();
      };
      source.addEventListener('tick', onTick);
    });
  await Promise.all([1, 2, 3, 4, 5, 6, 7].map(tab));
  source.close(); // every tab is done: the one connection is free
  console.log(`7 tabs got 3 ticks each in ${Date.now() - started} ms, over one connection`);
}

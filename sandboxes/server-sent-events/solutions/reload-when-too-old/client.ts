// One way to pass "Reload when the gap is too old": handle the server's `reload` event.
// A price ticker in a browser tab. EventSource parses the stream, reconnects by itself after the
// retry: delay, and sends the last id it saw as Last-Event-ID; the server replays what was missed.
interface Price {
  id: number;
  price: number;
  at: number;
}

export default function main(server: URL): Promise<void> {
  const source = new EventSource(new URL('/prices', server));
  let last = 0;
  let received = 0;
  let openedAt = 0;
  const missed: number[] = [];

  source.addEventListener('open', () => {
    openedAt = Date.now();
    console.log(last === 0 ? 'stream open' : `stream open again, resuming after #${last}`);
  });
  // The server could not replay the gap: take its current state and carry on from there.
  source.addEventListener('reload', (event) => {
    const price = JSON.parse(event.data as string) as Price;
    console.warn(
      `#${last + 1}–#${price.id - 1} are gone: reloaded, ACME ${price.price.toFixed(2)}`,
    );
    last = price.id;
  });
  source.addEventListener('price', (event) => {
    const price = JSON.parse(event.data as string) as Price;
    for (let id = last + 1; id < price.id; id++) missed.push(id);
    last = price.id;
    received += 1;
    const age = Date.now() - price.at;
    // Published before this connection opened: the server is replaying what we missed.
    const note = price.at < openedAt ? ': replayed, it was published while we were away' : '';
    console.log(`#${event.lastEventId} ACME ${price.price.toFixed(2)}, ${age} ms old${note}`);
  });

  return new Promise((resolve) => {
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CONNECTING) {
        console.warn(
          `stream ended after #${last}; EventSource retries, sending Last-Event-ID: ${last}`,
        );
        return;
      }
      // CLOSED: the server answered 204 No Content, so EventSource stops reconnecting.
      const gaps = missed.length > 0 ? `missed #${missed.join(', #')}` : 'none missed';
      console.log(`EventSource closed for good: ${received} prices received, ${gaps}`);
      resolve();
    });
  });
}

// carol: a slow subscriber on edge-a. Each price takes her longer to handle than the gap between
// two, and she acknowledges a price only once it is handled, so she falls behind.
type Price = { type: 'price'; seq: number; symbol: string; price: number; last: boolean };

export default async function main(_target: URL, env: SandboxEnv): Promise<void> {
  const edge = env.hosts['edge-a'];
  if (!edge) throw new Error('this sandbox needs a host named edge-a');
  await fetch(new URL('/login', edge), { method: 'POST', body: JSON.stringify({ user: 'carol' }) });
  const socket = new WebSocket(new URL('/live?after=0', edge.href.replace(/^http/, 'ws')));
  const workMs = env.params.carolWorkMs ?? 1500;
  const inbox: Price[] = [];
  let busy = false;

  socket.addEventListener('message', (event) => {
    inbox.push(JSON.parse(String(event.data)) as Price);
    if (!busy) void work();
  });

  async function work(): Promise<void> {
    busy = true;
    for (let next = inbox.shift(); next; next = inbox.shift()) {
      await new Promise((resolve) => setTimeout(resolve, workMs)); // chart, store, alert…
      if (socket.readyState !== WebSocket.OPEN) break;
      console.log(`handled #${next.seq} ${next.symbol} ${next.price}`);
      socket.send(JSON.stringify({ type: 'ack', seq: next.seq }));
      if (next.last) socket.close(1000, 'market closed');
    }
    busy = false;
  }

  const { code, reason } = await new Promise<CloseEvent>((resolve) => {
    socket.addEventListener('close', resolve);
  });
  console.warn(`closed (${code} ${reason})`);
}

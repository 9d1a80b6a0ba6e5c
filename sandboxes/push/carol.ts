// carol: a slow consumer. Handling one notification takes her longer than the gap between two,
// so her inbox grows. She takes everything in arrival order, the server's pings included.
type Message =
  | { type: 'ping'; n: number }
  | { type: 'notification'; seq: number; text: string; last: boolean; sentAt: number };

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const url = new URL('/notifications?name=carol', server.href.replace(/^http/, 'ws'));
  const socket = new WebSocket(url);
  const workMs = env.params.carolWorkMs ?? 1200;
  const inbox: Message[] = []; // what has arrived and is not handled yet, oldest first
  let busy = false;

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    inbox.push(message);
    const what = message.type === 'ping' ? `ping ${message.n}` : `#${message.seq}`;
    console.log(`${what} arrived; ${inbox.length} in my inbox`);
    if (!busy) void work();
  });

  async function work(): Promise<void> {
    busy = true;
    for (let next = inbox[0]; next && socket.readyState === WebSocket.OPEN; next = inbox[0]) {
      if (next.type === 'notification') {
        await new Promise((resolve) => setTimeout(resolve, workMs)); // render, store, notify…
        if (socket.readyState !== WebSocket.OPEN) break;
        console.log(`handled #${next.seq}, ${Date.now() - next.sentAt} ms after it was pushed`);
        if (next.last) socket.close(1000, 'that was the last one');
      } else {
        // The pong waits its turn behind the backlog, like everything else in the inbox.
        socket.send(JSON.stringify({ type: 'pong', n: next.n }));
      }
      inbox.shift();
    }
    busy = false;
  }

  const closed = await new Promise<CloseEvent>((resolve) => {
    socket.addEventListener('close', resolve);
  });
  const unread = inbox.flatMap((message) => (message.type === 'ping' ? [] : `#${message.seq}`));
  console.warn(
    `connection closed (${closed.code} ${closed.reason}); never handled: ${unread.join(', ') || 'none'}`,
  );
}

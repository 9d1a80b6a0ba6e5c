// One way to pass "Keep a slow consumer current": answer pings at once, handle only the newest.
// carol: a slow consumer. Handling one notification takes her longer than the gap between two,
// so she no longer works through a backlog: she skips to the newest notification each time.
type Message =
  | { type: 'ping'; n: number }
  | { type: 'notification'; seq: number; text: string; last: boolean; sentAt: number };
type Notification = Extract<Message, { type: 'notification' }>;

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const url = new URL('/notifications?name=carol', server.href.replace(/^http/, 'ws'));
  const socket = new WebSocket(url);
  const workMs = env.params.carolWorkMs ?? 1200;
  const inbox: Notification[] = []; // what has arrived and is not handled yet, oldest first
  let busy = false;

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    if (message.type === 'ping') {
      // The heartbeat only asks "are you there?": answer at once, not behind the backlog.
      socket.send(JSON.stringify({ type: 'pong', n: message.n }));
      return;
    }
    inbox.push(message);
    console.log(`#${message.seq} arrived; ${inbox.length} in my inbox`);
    if (!busy) void work();
  });

  async function work(): Promise<void> {
    busy = true;
    while (inbox.length > 0 && socket.readyState === WebSocket.OPEN) {
      // Only the newest state matters (an order list, a price): drop what it replaces.
      const skipped = inbox.splice(0, inbox.length - 1);
      if (skipped.length > 0) console.log(`skipped ${skipped.map((m) => `#${m.seq}`).join(', ')}`);
      const next = inbox[0];
      if (!next) break;
      await new Promise((resolve) => setTimeout(resolve, workMs)); // render, store, notify…
      if (socket.readyState !== WebSocket.OPEN) break;
      console.log(`handled #${next.seq}, ${Date.now() - next.sentAt} ms after it was pushed`);
      if (next.last) socket.close(1000, 'that was the last one');
      inbox.shift();
    }
    busy = false;
  }

  const closed = await new Promise<CloseEvent>((resolve) => {
    socket.addEventListener('close', resolve);
  });
  const unread = inbox.map((message) => `#${message.seq}`);
  console.warn(
    `connection closed (${closed.code} ${closed.reason}); never handled: ${unread.join(', ') || 'none'}`,
  );
}

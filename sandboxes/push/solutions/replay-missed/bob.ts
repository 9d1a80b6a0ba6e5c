// One way to pass "Replay what a subscriber missed": reconnect with ?after=<last seq seen>.
// bob: goes offline after the second notification (closes his socket), comes back later, and
// uses the sequence numbers to count what was pushed while he was away. Push keeps no mailbox.
type Message =
  | { type: 'ping'; n: number }
  | { type: 'notification'; seq: number; text: string; last: boolean; sentAt: number };

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const url = new URL('/notifications?name=bob', server.href.replace(/^http/, 'ws'));
  let lastSeen = 0;

  await listen(url, (message, socket) => {
    lastSeen = message.seq;
    if (message.seq === 2) socket.close(1000, 'going offline for a while');
  });
  const awayMs = env.params.bobAwayMs ?? 1750;
  console.log(`offline for ${awayMs} ms…`);
  await new Promise((resolve) => setTimeout(resolve, awayMs));

  url.searchParams.set('after', String(lastSeen)); // "the last one I saw was …"
  await listen(url, (message, socket) => {
    const missed = message.seq - lastSeen - 1;
    if (missed > 0) {
      console.warn(
        `missed ${missed}: #${lastSeen + 1}–#${message.seq - 1} were pushed while I was away`,
      );
    }
    lastSeen = message.seq;
    if (message.last) socket.close(1000, 'that was the last one');
  });
}

/** Opens a socket, answers pings, hands each notification over, and resolves when it closes. */
async function listen(
  url: URL,
  onNotification: (message: Message & { type: 'notification' }, socket: WebSocket) => void,
): Promise<void> {
  const socket = new WebSocket(url);
  socket.addEventListener('open', () => console.log('connected'));
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    if (message.type === 'ping') {
      socket.send(JSON.stringify({ type: 'pong', n: message.n }));
      return;
    }
    console.log(`#${message.seq} ${message.text}`);
    onNotification(message, socket);
  });
  const closed = await new Promise<CloseEvent>((resolve) => {
    socket.addEventListener('close', resolve);
  });
  console.log(`connection closed (${closed.code} ${closed.reason})`);
}

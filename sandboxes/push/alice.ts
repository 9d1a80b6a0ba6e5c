// alice: a well-behaved subscriber. She reads each notification the moment it arrives and answers
// the server's pings straight away.
type Message =
  | { type: 'ping'; n: number }
  | { type: 'notification'; seq: number; text: string; last: boolean; sentAt: number };

export default async function main(server: URL): Promise<void> {
  const url = new URL('/notifications?name=alice', server.href.replace(/^http/, 'ws'));
  const socket = new WebSocket(url);
  let received = 0;

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    if (message.type === 'ping') {
      // No pong before the next ping, and the server decides we are gone.
      socket.send(JSON.stringify({ type: 'pong', n: message.n }));
      return;
    }
    received += 1;
    const late = Date.now() - message.sentAt; // one clock here; across machines clocks disagree
    console.log(`#${message.seq} ${message.text} (arrived ${late} ms after it was pushed)`);
    if (message.last) socket.close(1000, 'that was the last one');
  });

  // Nothing to ask and nothing to poll: she just waits. (The newsroom marks its last notification,
  // so this program can end; a real subscriber would stay connected.)
  const closed = await new Promise<CloseEvent>((resolve) => {
    socket.addEventListener('close', resolve);
  });
  console.log(`connection closed (${closed.code} ${closed.reason}); got ${received} notifications`);
}

// WebSocket push: one handshake, then the server sends each update as a message on the open socket.
// Either side may send at any time; here only the server has something to say.
import { deliveryLog, type Update } from './updates.ts';

export default async function main(server: URL): Promise<void> {
  const log = deliveryLog();
  const socket = new WebSocket(new URL('/ws', server.href.replace(/^http/, 'ws')));
  await new Promise<void>((resolve, reject) => {
    socket.onmessage = (event: MessageEvent<string>) => {
      log.arrived(JSON.parse(event.data) as Update, 'message');
      if (log.done) resolve();
    };
    socket.onclose = () => reject(new Error('the socket closed before the last update'));
  });
  socket.close(1000, 'got everything');
  log.summary(1); // the handshake is one HTTP request (GET with Upgrade: websocket)
}

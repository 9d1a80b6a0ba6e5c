// Opens the modelled connection (a WebSocket at /link), sends the four requests, and hands each
// packet to the receiver until it says every response is complete.
export async function openLink<T>(
  server: URL,
  transport: 'tcp' | 'quic',
  requests: Array<{ stream: number; path: string }>,
  receive: (packet: T) => boolean, // true once every response is complete
  sent: () => void,
): Promise<void> {
  const url = new URL(`/link?transport=${transport}`, server);
  url.protocol = 'ws:';
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ requests }));
      sent();
    });
    socket.addEventListener('message', (event: MessageEvent<string>) => {
      if (receive(JSON.parse(event.data) as T)) {
        socket.close(1000, 'all responses complete');
        resolve();
      }
    });
    socket.addEventListener('close', () => reject(new Error('the connection closed early')));
  });
}

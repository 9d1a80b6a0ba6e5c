// mallory: a page on another site (http://mallory.test) that opens a socket to edge-b. In a real
// browser the victim's cookies would ride along on the handshake; the Origin header gives it away.
export default async function main(_target: URL, env: SandboxEnv): Promise<void> {
  const edge = env.hosts['edge-b'];
  if (!edge) throw new Error('this sandbox needs a host named edge-b');
  const socket = new WebSocket(new URL('/live?after=0', edge.href.replace(/^http/, 'ws')));
  socket.addEventListener('message', (event) => console.error(`leaked: ${String(event.data)}`));
  const { code, reason } = await new Promise<CloseEvent>((resolve) => {
    socket.addEventListener('close', resolve);
  });
  console.log(`refused (${code} ${reason})`);
}

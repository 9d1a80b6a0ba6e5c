// Flow control: one big response on one stream. The server may
// send only as much as the client's windows allow, 65,535 octets
// each to start with; then it waits until the client has read the
// data and sends WINDOW_UPDATE. A slow reader slows the sender.
import { Connection } from './h2-client.ts';

export default async function main(server: URL, env: SandboxEnv) {
  const { initialWindow = 65_535, readMs = 100 } = env.params;
  const start = performance.now();
  const connection = await Connection.connect(server, { initialWindow, readMs });
  const { answer } = connection.request('/export');
  const { status, body } = await answer;
  const tookMs = Math.round(performance.now() - start);
  console.log(`stream 1: ${status}, ${body.byteLength} bytes in ${tookMs} ms`);
  await connection.close();
}

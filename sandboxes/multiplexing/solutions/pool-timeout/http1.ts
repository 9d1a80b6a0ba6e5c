// HTTP/1.1: a connection carries one request at a time, so the
// client keeps a pool of poolSize connections (browsers keep 6
// per host) and queues every other request until one is free.
// EMULATED in the page: its virtual network has no TCP, so a
// "connection" is a numbered slot in pool.ts, held by one fetch.
import { createPool } from './pool.ts';
import { ms, printWaterfall, type Timing } from './waterfall.ts';

// Like node-postgres's connectionTimeoutMillis: how long a request may wait for a connection.
const ACQUIRE_TIMEOUT_MS = 300;

export default async function main(server: URL, env: SandboxEnv) {
  const { poolSize = 6, lossMs = 0, workMs = 150 } = env.params;
  const connections = createPool(poolSize);
  const used = new Set<number>();
  // One lost packet, on whichever connection answers first.
  let packetLost = lossMs > 0;
  const start = performance.now();
  const since = () => performance.now() - start;

  let gaveUp = 0;
  const one = async (n: number): Promise<Timing | undefined> => {
    // In line until a connection is free, or until the wait is too long.
    const lease = await connections.acquire(ACQUIRE_TIMEOUT_MS).catch(() => undefined);
    if (!lease) {
      gaveUp += 1; // fails here: the server never hears of it
      return undefined;
    }
    const { slot: conn, waitedMs } = lease;
    used.add(conn);
    const response = await fetch(new URL('/report', server), {
      headers: { 'x-request': `${n}`, 'x-connection': `${conn}` },
    });
    await response.json();
    const arrivedMs = since();
    let doneMs = arrivedMs;
    if (packetLost) {
      // TCP holds this response until the lost packet is resent,
      // but only on this connection: the others are separate
      // byte streams and keep going.
      packetLost = false;
      console.warn(`a packet on conn ${conn} was lost: #${n} waits ${lossMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, lossMs));
      doneMs = since();
    }
    connections.release(conn); // the next in line gets it
    return { n, via: `conn ${conn}`, waitMs: waitedMs, arrivedMs, doneMs };
  };

  const numbers = Array.from({ length: 30 }, (_, i) => i + 1);
  const all = await Promise.all(numbers.map(one));
  const timings = all.filter((timing) => timing !== undefined);
  console.warn(`${gaveUp} requests gave up after ${ACQUIRE_TIMEOUT_MS} ms without a connection`);
  const result = printWaterfall(timings, workMs / 4);
  console.log(
    `${timings.length} requests over ${used.size} connection${used.size === 1 ? '' : 's'}, ` +
      `one at a time each: ` +
      `half done by ${ms(result.halfMs)}, all by ${ms(result.totalMs)}; ` +
      `${result.waited} waited in line` +
      (result.waited > 0 ? `, the longest ${ms(result.longestWaitMs)}` : ''),
  );
}

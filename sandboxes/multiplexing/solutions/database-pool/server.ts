// The backend: each request costs 100–200 ms of work (think of
// a database query behind it). It cannot tell a pooled HTTP/1.1
// connection from an HTTP/2 stream: a request is a request.
// The database takes only 4 connections, so queries go through a
// pool: many requests in, 4 connections out (demultiplexing).
import { createPool } from './pool.ts';

const db = createPool(4);

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/report') {
      return Response.json({ error: 'not found' }, { status: 404 });
    }
    // Request #n always costs the same, so both clients get
    // exactly the same 30 jobs.
    const n = Number(request.headers.get('x-request') ?? '0');
    const workMs = costOf(n, env.params.workMs ?? 150);
    const { slot, waitedMs } = await db.acquire(); // in line for a connection
    try {
      await new Promise((resolve) => setTimeout(resolve, workMs));
    } finally {
      db.release(slot);
    }
    return Response.json({ n, workMs, db: slot, waitedMs: Math.round(waitedMs) });
  },
};

// 2/3, 5/6, 1, 7/6 or 4/3 of the average: 100, 125, 150, 175 or
// 200 ms by default, scattered over the 30 requests.
export function costOf(n: number, averageMs: number): number {
  const spread = ((n * 7) % 5) - 2; // -2 … 2
  return Math.round(averageMs * (1 + spread / 6));
}

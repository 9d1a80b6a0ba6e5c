// The backend: each request costs 100–200 ms of work (think of
// a database query behind it). It cannot tell a pooled HTTP/1.1
// connection from an HTTP/2 stream: a request is a request.
export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/report') {
      return Response.json({ error: 'not found' }, { status: 404 });
    }
    // Request #n always costs the same, so both clients get
    // exactly the same 30 jobs.
    const n = Number(request.headers.get('x-request') ?? '0');
    if (!Number.isSafeInteger(n) || n < 0) {
      return Response.json({ error: 'x-request must be a whole number' }, { status: 400 });
    }
    const workMs = costOf(n, env.params.workMs ?? 150);
    await new Promise((resolve) => setTimeout(resolve, workMs));
    return Response.json({ n, workMs });
  },
};

// 2/3, 5/6, 1, 7/6 or 4/3 of the average: 100, 125, 150, 175 or
// 200 ms by default, scattered over the 30 requests.
export function costOf(n: number, averageMs: number): number {
  const spread = ((n * 7) % 5) - 2; // -2 … 2
  return Math.round(averageMs * (1 + spread / 6));
}

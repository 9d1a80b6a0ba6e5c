// The application, run as two instances (app-1.ts, app-2.ts). POST /work takes a while; GET /ready
// is what the load balancer reads. POST /drain is the deploy tool asking for a restart, like the
// SIGTERM a container gets: either drain first (param drain = 1) or stop at once (drain = 0).
const WORK_MS = 500;

type State = 'ready' | 'draining' | 'restarting';

export function createApp(name: string) {
  let state: State = 'ready';
  const inFlight = new Set<() => void>(); // how to end each request still being worked on
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function restart(env: SandboxEnv): Promise<void> {
    state = 'restarting';
    console.log(`${name} restarting`);
    await wait(env.params.restartMs ?? 750);
    state = 'ready';
    console.log(`${name} is back and ready`);
  }

  /** A draining instance restarts once its last request in flight is done. */
  function restartIfDrained(env: SandboxEnv): void {
    if (state === 'draining' && inFlight.size === 0) void restart(env);
  }

  return {
    async fetch(request: Request, env: SandboxEnv): Promise<Response> {
      const { pathname } = new URL(request.url);
      if (pathname === '/ready') {
        // 200 only while this instance takes new work: the balancer's readiness check.
        return Response.json({ instance: name, state }, { status: state === 'ready' ? 200 : 503 });
      }
      if (pathname === '/drain' && request.method === 'POST') {
        if (env.params.drain === 0) {
          // Stopping at once: every request in flight loses its connection, its work half done.
          console.warn(`${name} stops now, with ${inFlight.size} request(s) in flight`);
          for (const end of inFlight) end();
          void restart(env);
        } else {
          state = 'draining';
          console.log(`${name} draining: no new work, ${inFlight.size} request(s) to finish`);
          restartIfDrained(env);
        }
        return Response.json({ instance: name, state }, { status: 202 });
      }
      if (pathname !== '/work' || request.method !== 'POST') {
        return Response.json({ error: 'not found' }, { status: 404 });
      }
      if (state === 'restarting' && env.params.drain === 0) return Response.error(); // nobody listens
      if (state !== 'ready') {
        // Refuse before doing anything, so a retry elsewhere is safe; and don't keep this connection.
        const headers = { connection: 'close', 'retry-after': '1' };
        return Response.json(
          { instance: name, error: `${state}, try another` },
          { status: 503, headers },
        );
      }
      // In flight from the moment it is accepted, body still unread: a drain waits for it too.
      let end = (): void => {};
      const ended = new Promise<boolean>((resolve) => (end = () => resolve(false)));
      inFlight.add(end);
      try {
        // Any body may arrive: not JSON, or JSON null, is as wrong as a missing job.
        const body = (await request.json().catch(() => null)) as { job?: unknown } | null;
        const job = body?.job;
        if (typeof job !== 'number') {
          return Response.json({ error: 'expected JSON like {"job": 1}' }, { status: 400 });
        }
        const done = await Promise.race([wait(WORK_MS).then(() => true), ended]);
        if (!done) return Response.error(); // the process is gone: the connection just drops
        return Response.json({ instance: name, job, done: true });
      } finally {
        inFlight.delete(end);
        restartIfDrained(env);
      }
    },
  };
}

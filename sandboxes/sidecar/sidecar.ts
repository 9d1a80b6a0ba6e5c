// The sidecar: one proxy program that runs beside every app, here twice (orders-sidecar and
// payments-sidecar). An app sends plain HTTP to its own sidecar; retries, timeouts, tracing and
// the protocol between the two sidecars are decided in the sidecar, so changing them never touches
// an app. Calls leaving an app are handled in outbound.ts, calls arriving for it below.
import { childSpan, fromWire } from './mesh.ts';
import { outbound } from './outbound.ts';

// What a control plane pushes to each sidecar: the app beside it, and where other services live.
const CONFIG: Record<string, { app: string; services: Record<string, string> }> = {
  'orders-sidecar': { app: 'orders-app', services: { payments: 'payments-sidecar' } },
  'payments-sidecar': { app: 'payments-app', services: {} },
};

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    const me = Object.keys(CONFIG).find((name) => env.hosts[name]?.origin === url.origin) ?? '';
    const { app, services } = CONFIG[me] ?? { app: '', services: {} };
    // "/payments/charges/…" from our app goes to that service's sidecar; the rest is for our app.
    const [, service = '', ...rest] = url.pathname.split('/');
    const peer = services[service];
    if (peer) {
      const target = new URL(`/${rest.join('/')}`, env.hosts[peer]);
      return relay(await outbound(request, target, me, env), request.method);
    }
    return inbound(request, new URL(url.pathname, env.hosts[app]), env);
  },
};

/** Another sidecar calls our app: check the caller, undo the wire format, pass on plain HTTP. */
async function inbound(request: Request, target: URL, env: SandboxEnv) {
  const { body, caller } = await fromWire(request);
  if (env.params.upgrade && !caller) {
    console.warn(`${request.method} ${target.pathname}: refused, the caller proved no identity`);
    return Response.json({ error: 'unauthenticated' }, { status: 403 });
  }
  if (!body) {
    return Response.json({ error: 'the body is not the gzip it says it is' }, { status: 400 });
  }
  const span = childSpan(request.headers.get('traceparent'));
  const started = Date.now();
  try {
    // (A production proxy would also cancel this call when its own caller gives up.)
    const response = await fetch(target, {
      method: request.method,
      headers: { 'content-type': 'application/json', traceparent: span.header },
      body: ['GET', 'HEAD'].includes(request.method) ? null : body,
    });
    const from = caller ? ` from ${caller}` : '';
    console.log(
      `${request.method} ${target.pathname}${from}: ${response.status} in ${Date.now() - started} ms`,
    );
    return relay(response, request.method);
  } catch (error) {
    console.warn(`${request.method} ${target.pathname}: no answer from the app (${String(error)})`);
    return Response.json({ error: 'bad gateway' }, { status: 502 });
  }
}

/** The app's answer, passed back as it came (status, type and body). */
async function relay(response: Response, method: string): Promise<Response> {
  const headers = new Headers({
    'content-type': response.headers.get('content-type') ?? 'application/json',
  });
  // A HEAD answer has no body but tells the length GET's would have (RFC 9110 §9.3.2).
  const length = response.headers.get('content-length');
  if (method === 'HEAD' && length !== null) headers.set('content-length', length);
  return new Response(await response.arrayBuffer(), { status: response.status, headers });
}

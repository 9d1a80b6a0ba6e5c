// What a sidecar does to a call leaving its app: a trace span per attempt, the upgraded wire format
// (mesh.ts), a timeout per attempt, and retries with exponential backoff. The app sees one request
// and one answer; everything in between happens here.
import { childSpan, toWire } from './mesh.ts';

const IDEMPOTENT = ['GET', 'HEAD', 'PUT', 'DELETE']; // sending one of these twice does no harm
const MAX_ATTEMPTS = 4;

export async function outbound(request: Request, target: URL, me: string, env: SandboxEnv) {
  const root = childSpan(request.headers.get('traceparent'));
  if (root.started) console.warn(`no traceparent from the app: started trace ${root.traceId}`);
  const parent = root.started ? root.header : (request.headers.get('traceparent') ?? '');
  const body = await request.arrayBuffer(); // kept, so that every attempt can send it again
  const attempts = IDEMPOTENT.includes(request.method) ? MAX_ATTEMPTS : 1;
  const timeoutMs = env.params.timeoutMs ?? 300;
  const what = `${request.method} ${target.pathname}`;
  for (let attempt = 1; ; attempt++) {
    const headers = new Headers({
      'content-type': 'application/json',
      traceparent: childSpan(parent).header, // a new span, in the app's trace
      'x-mesh-attempt': String(attempt), // like Envoy's x-envoy-attempt-count
    });
    const wire = env.params.upgrade ? await toWire(me, headers, body) : body;
    const signal = AbortSignal.timeout(timeoutMs);
    const started = Date.now();
    let outcome: string;
    try {
      // A GET or a HEAD carries no body: fetch refuses even an empty one.
      const sent = ['GET', 'HEAD'].includes(request.method) ? undefined : wire;
      const response = await fetch(target, { method: request.method, headers, body: sent, signal });
      outcome = `${response.status} in ${Date.now() - started} ms`;
      if (response.status < 500 || attempt === attempts) {
        console.log(`${what} attempt ${attempt}: ${outcome}`);
        return response;
      }
      await response.body?.cancel();
    } catch (error) {
      outcome = signal.aborted ? `no answer within ${timeoutMs} ms` : String(error);
      if (attempt === attempts) {
        console.warn(`${what} attempt ${attempt}: ${outcome}; giving up`);
        return Response.json({ error: 'upstream timeout' }, { status: 504 });
      }
    }
    const backoffMs = 100 * 2 ** (attempt - 1); // 100, 200, 400 ms (real proxies add jitter)
    console.warn(`${what} attempt ${attempt}: ${outcome}; retrying in ${backoffMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, backoffMs));
  }
}

// A message log with long polling. GET /poll?after=<id> answers at once when the log has anything
// newer than the client's cursor; otherwise the server holds the request until a message arrives
// or the hold timeout runs out. The log is what makes the reconnect gap safe.
interface Message {
  id: number;
  text: string;
  done: boolean;
  at: number;
}

const log: Message[] = [];
/** Wake-up calls of the polls being held right now. */
const held = new Set<() => void>();
const noStore = { 'cache-control': 'no-store' };

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/messages') return publish(request);
    // HEAD is GET without the body (RFC 9110 §9.3.2), so it takes the same path.
    if (['GET', 'HEAD'].includes(request.method) && url.pathname === '/poll') {
      return poll(request, Number(url.searchParams.get('after') ?? 0), env.params.holdTimeoutMs);
    }
    return Response.json({ error: 'not found' }, { status: 404 });
  },
};

async function publish(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as {
    text?: unknown;
    done?: unknown;
  } | null;
  if (typeof body?.text !== 'string') {
    return Response.json(
      { error: 'expected JSON like {"text": "…", "done": false}' },
      { status: 400 },
    );
  }
  const message = { id: log.length + 1, text: body.text, done: body.done === true, at: Date.now() };
  log.push(message); // first into the log, then to whoever is waiting
  if (held.size > 0) console.log(`stored #${message.id}; waking ${held.size} held poll`);
  else console.log(`stored #${message.id}; no poll is held right now: it waits in the log`);
  for (const wake of held) wake();
  return Response.json({ id: message.id }, { status: 201 });
}

async function poll(request: Request, after: number, holdMs = 30_000): Promise<Response> {
  const since = Date.now();
  if (!log.some((message) => message.id > after)) {
    // Nothing newer: park the request until a new message arrives or the hold timeout runs out.
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        held.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, holdMs);
      held.add(wake);
      // The caller hung up (a proxy gave up on us): forget the poll, nobody is left to answer.
      request.signal.addEventListener('abort', () => {
        if (!held.delete(wake)) return;
        clearTimeout(timer);
        console.warn(`poll after=${after}: the caller hung up after ${Date.now() - since} ms`);
      });
    });
  }
  const waited = Date.now() - since;
  const messages = log.filter((message) => message.id > after);
  if (messages.length === 0) {
    console.log(`poll after=${after}: held ${waited} ms, nothing new: 204`);
    return new Response(null, { status: 204, headers: noStore });
  }
  const cursor = messages[messages.length - 1]?.id ?? after;
  return Response.json({ messages, cursor }, { headers: noStore });
}

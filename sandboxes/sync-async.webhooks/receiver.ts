// The customer's webhook endpoint. Before it trusts a delivery it checks, cheapest first: the
// headers are there; the timestamp is recent, so an old captured delivery cannot be replayed; the
// signature matches, so nobody without the secret can forge or alter one. Then it does the work
// (copy the finished file, email the customer) and only then answers.
import { verify } from './signature.ts';

const TOLERANCE_SECONDS = 5 * 60; // how old a timestamp may be, as in Standard Webhooks' libraries
let firstRequestAt: number | undefined; // the deploy window starts with the first request
const emails: Array<{ webhookId: string; subject: string }> = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/emails') {
      // What the customer received; ?atLeast=N holds the answer (up to 5 s) until N have gone out.
      const atLeast = Number(url.searchParams.get('atLeast') ?? 0);
      const deadline = Date.now() + 5000;
      while (emails.length < atLeast && Date.now() < deadline) await sleep(50);
      return Response.json(emails);
    }
    if (url.pathname !== '/webhooks' || request.method !== 'POST') {
      return Response.json({ error: 'not found' }, { status: 404 });
    }
    firstRequestAt ??= Date.now();
    if (Date.now() - firstRequestAt < (env.params.receiverDownMs ?? 350)) {
      return Response.json({ error: 'deploying, try again' }, { status: 503 });
    }
    const id = request.headers.get('webhook-id');
    const timestamp = request.headers.get('webhook-timestamp');
    const signature = request.headers.get('webhook-signature');
    if (!id || !timestamp || !signature) {
      const error = 'webhook-id, webhook-timestamp and webhook-signature are required';
      return Response.json({ error }, { status: 400 });
    }
    const age = Math.round(Math.abs(Date.now() / 1000 - Number(timestamp)));
    if (!(age <= TOLERANCE_SECONDS)) {
      console.warn(`${id}: refused, timestamp is ${age} s away from now`);
      const error = `timestamp outside the ${TOLERANCE_SECONDS} s tolerance`;
      return Response.json({ error }, { status: 401 });
    }
    const body = await request.text(); // the exact bytes that were signed; parse only after verifying
    if (!(await verify(id, timestamp, body, signature))) {
      console.warn(`${id}: refused, signature does not match`);
      return Response.json({ error: 'signature does not match' }, { status: 401 });
    }
    // Genuine, but still checked: a provider's bug must get a 400 back, not crash the receiver.
    const video = readVideoReady(body);
    if (!video) return Response.json({ error: 'expected a video.ready event' }, { status: 400 });
    await handle(id, video);
    return Response.json({ received: id });
  },
};

/** The video of a video.ready event's body, or undefined for anything else (not JSON, too). */
function readVideoReady(body: string): { title: string; seconds: number } | undefined {
  try {
    const event = JSON.parse(body) as { type?: unknown; data?: Record<string, unknown> } | null;
    const { title, seconds } = event?.data ?? {};
    if (event?.type !== 'video.ready' || typeof title !== 'string') return undefined;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) return undefined;
    return { title, seconds };
  } catch {
    return undefined;
  }
}

/** The work a video.ready event triggers; copying takes longer for a longer video. */
async function handle(webhookId: string, video: { title: string; seconds: number }) {
  const copyMs = video.seconds * 10;
  await sleep(copyMs);
  emails.push({ webhookId, subject: `${video.title} is ready` });
  console.log(`${webhookId}: copied ${video.title} in ${copyMs} ms, emailed the customer`);
}

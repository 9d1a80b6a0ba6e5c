// The video provider. It accepts a transcoding job with a callback URL (202 Accepted at once), and
// when the job is done it calls the customer back: a webhook, POSTed to that URL and signed. A
// delivery that is not answered 2xx within the timeout is tried again with exponential backoff and
// jitter, under the same webhook-id, so delivery is at least once: the receiver may see it twice.
import { sign } from './signature.ts';

const MAX_ATTEMPTS = 4;
// Transcoding time grows with the video's length. holiday.mp4's first delivery (1.2 s) comes after
// intro.mp4's last retry (at most 0.85 s), so the jitter never changes the order of deliveries.
const MS_PER_VIDEO_SECOND = 10;

interface Video {
  id: number;
  title: string;
  seconds: number;
  callbackUrl: string;
  delivery: 'pending' | 'delivered' | 'failed';
  attempts: number;
}

const videos = new Map<number, Video>();
const waiting = new Map<number, Array<() => void>>(); // held GET /videos/<id>?wait requests
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/videos' && request.method === 'POST') {
      const job = (await request.json().catch(() => null)) as Partial<Video> | null;
      if (
        typeof job?.title !== 'string' ||
        !Number.isInteger(job.seconds) ||
        typeof job.callbackUrl !== 'string' ||
        !URL.canParse(job.callbackUrl)
      ) {
        const error = 'send JSON with a title, whole seconds and a callbackUrl';
        return Response.json({ error }, { status: 400 });
      }
      const video: Video = {
        id: videos.size + 1,
        title: job.title,
        seconds: job.seconds ?? 0,
        callbackUrl: job.callbackUrl,
        delivery: 'pending',
        attempts: 0,
      };
      videos.set(video.id, video);
      setTimeout(() => void deliver(video, env), video.seconds * MS_PER_VIDEO_SECOND);
      const headers = { location: `/videos/${video.id}` };
      return Response.json({ id: video.id, status: 'transcoding' }, { status: 202, headers });
    }
    // The delivery log a provider's dashboard shows: was the webhook delivered, after how many tries?
    // With ?wait the answer is held until the delivery is settled (long polling).
    const video = videos.get(Number(/^\/videos\/(\d+)$/.exec(url.pathname)?.[1]));
    if (!video) return Response.json({ error: 'not found' }, { status: 404 });
    if (url.searchParams.has('wait') && video.delivery === 'pending') {
      await new Promise<void>((resolve) =>
        waiting.set(video.id, [...(waiting.get(video.id) ?? []), resolve]),
      );
    }
    const { id, title, delivery, attempts } = video;
    return Response.json({ id, title, delivery, attempts });
  },
};

async function deliver(video: Video, env: SandboxEnv): Promise<void> {
  const id = `msg_${video.id}`; // the same on every attempt: the receiver's key for duplicates
  const event = { type: 'video.ready', data: { videoId: video.id, title: video.title } };
  const body = JSON.stringify({ ...event, data: { ...event.data, seconds: video.seconds } });
  const timeoutMs = env.params.deliveryTimeoutMs ?? 1000;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    video.attempts = attempt;
    const outcome = await post(video.callbackUrl, id, body, timeoutMs);
    if (outcome === 'ok') {
      console.log(`${id} attempt ${attempt}: delivered`);
      settle(video, 'delivered');
      return;
    }
    if (attempt === MAX_ATTEMPTS) {
      console.warn(`${id} attempt ${attempt}: ${outcome}; giving up`);
      break;
    }
    const waitMs = Math.round(200 * 2 ** (attempt - 1) * (0.75 + Math.random() / 2)); // 200, 400, 800 ± 25 %
    console.warn(`${id} attempt ${attempt}: ${outcome}; next try in ${waitMs} ms`);
    await sleep(waitMs);
  }
  settle(video, 'failed');
}

function settle(video: Video, delivery: 'delivered' | 'failed'): void {
  video.delivery = delivery;
  waiting.get(video.id)?.forEach((resolve) => resolve());
  waiting.delete(video.id);
}

/** One delivery attempt: 'ok' for any 2xx, otherwise what went wrong. */
async function post(url: string, id: string, body: string, timeoutMs: number): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000)); // fresh on each attempt, and signed
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': await sign(id, timestamp, body),
  };
  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(), timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: giveUp.signal });
    await response.arrayBuffer();
    return response.ok ? 'ok' : `answered ${response.status}`;
  } catch {
    return `no answer within ${timeoutMs} ms`;
  } finally {
    clearTimeout(timer);
  }
}

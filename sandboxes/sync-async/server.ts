// A video API with a synchronous endpoint and an asynchronous one (Asynchronous Request-Reply):
//   GET /slow?ms=N     does the work inside the request and answers when it is done;
//   POST /videos       validates, queues a transcoding job and answers 202 Accepted at once;
//   GET /jobs/<id>     200 while the job waits or runs, then 303 See Other to the result;
//   DELETE /jobs/<id>  cancels a job that has not finished;  GET /videos/<id>  the result.
import { createTranscoder } from './transcoder.ts';

const MS_PER_VIDEO_SECOND = 20; // transcoding time grows with the video's length
let transcoder: ReturnType<typeof createTranscoder> | undefined;
const byIdempotencyKey = new Map<string, number>(); // key → the job its first POST created

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    // Made on the first request, when the params (the queue's size) are known.
    const queue = (transcoder ??= createTranscoder(env.params.queueLimit ?? 4));
    if (url.pathname === '/slow') {
      // Synchronous: the work happens inside the request, and the caller waits for all of it.
      const ms = Math.min(Math.max(Number(url.searchParams.get('ms')) || 0, 0), 5000);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return Response.json({ tookMs: ms });
    }

    if (url.pathname === '/videos' && request.method === 'POST') {
      const video = (await request.json().catch(() => null)) as Video | null;
      const problem = validate(video);
      if (problem) return Response.json({ error: problem }, { status: 400 }); // at once, not later
      const key = request.headers.get('idempotency-key');
      const seen = key === null ? undefined : byIdempotencyKey.get(key);
      if (seen !== undefined) {
        console.log(`Idempotency-Key seen before: answering with job ${seen} again`);
        return accepted(seen);
      }
      // Back pressure: a full queue refuses new work instead of growing without bound.
      if (queue.isFull()) {
        console.warn(`${queue.gauge()}  full: 503 for ${video?.title}`);
        const headers = { 'retry-after': '1' };
        return Response.json({ error: 'queue full, try later' }, { status: 503, headers });
      }
      const job = queue.add(video?.title ?? '', (video?.seconds ?? 0) * MS_PER_VIDEO_SECOND);
      if (key !== null) byIdempotencyKey.set(key, job.id); // only accepted work is remembered
      return accepted(job.id);
    }

    const [, kind, id] = /^\/(jobs|videos)\/(\d+)$/.exec(url.pathname) ?? [];
    const job = queue.jobs.get(Number(id));
    if (!job) return Response.json({ error: 'not found' }, { status: 404 });
    if (kind === 'videos') {
      if (job.status !== 'done') return Response.json({ error: 'not ready' }, { status: 404 });
      return Response.json({ id: job.id, title: job.title, file: `/files/${job.id}-720p.mp4` });
    }
    if (request.method === 'DELETE') {
      if (job.status === 'done') return Response.json({ error: 'already done' }, { status: 409 });
      if (job.status !== 'cancelled') queue.cancel(job);
      return Response.json({ id: job.id, status: job.status });
    }
    if (job.status === 'done') return seeOther(`/videos/${job.id}`);
    const running = job.status === 'transcoding';
    const progress = running ? Math.round((100 * (Date.now() - (job.startedAt ?? 0))) / job.ms) : 0;
    // Still pending: say when to ask again. A cancelled job has nothing more to wait for.
    const headers: Record<string, string> =
      job.status === 'cancelled' ? {} : { 'retry-after': '1' };
    return Response.json({ id: job.id, status: job.status, progress }, { headers });
  },
};

interface Video {
  title: string;
  seconds: number;
}

function validate(video: Video | null): string | undefined {
  if (typeof video?.title !== 'string' || video.title === '') return 'title must be non-empty';
  if (!Number.isInteger(video.seconds) || video.seconds < 1 || video.seconds > 600) {
    return 'seconds must be a whole number from 1 to 600';
  }
  return undefined;
}

// 202 Accepted: "I have the job, it is not done". Location is where to ask; Retry-After, when.
const accepted = (id: number) =>
  new Response(null, { status: 202, headers: { location: `/jobs/${id}`, 'retry-after': '1' } });

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location } });

// A video-transcoding API. POST /videos accepts the work and answers at once with a handle; the job
// runs in the background, and GET /jobs/<id> tells whoever asks how far it has got.
const QUEUED_MS = 750; // how long a job waits for a free worker before transcoding starts
const STATUSES = ['queued', 'transcoding', 'done'];

interface Job {
  id: number;
  submittedAt: number;
  takesMs: number;
}
const jobs = new Map<number, Job>();
let nextId = 42;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/videos' && request.method === 'POST') {
      await request.arrayBuffer(); // a real server would store the upload first
      const job = { id: nextId++, submittedAt: Date.now(), takesMs: env.params.jobMs ?? 2750 };
      jobs.set(job.id, job);
      console.log(`job ${job.id} accepted; it will take ${job.takesMs} ms`);
      // 202 Accepted: "I have it, it is not done yet". Location is the handle to poll.
      const location = `/jobs/${job.id}`;
      return Response.json(stateOf(job), { status: 202, headers: { location } });
    }

    const job = jobs.get(Number(/^\/jobs\/(\d+)$/.exec(url.pathname)?.[1]));
    // HEAD is GET without the body (RFC 9110 §9.3.2): same status, same headers.
    if (!job || !['GET', 'HEAD'].includes(request.method))
      return Response.json({ error: 'no such job' }, { status: 404 });
    const state = stateOf(job);
    // The ETag names this version of the job's state: it changes exactly when the body would.
    const headers = {
      etag: `"v${STATUSES.indexOf(state.status) + 1}"`,
      'cache-control': 'no-cache',
    };
    if (matchesAny(request.headers.get('if-none-match'), headers.etag)) {
      return new Response(null, { status: 304, headers }); // Not Modified: no body at all
    }
    return Response.json(state, { headers });
  },
};

// If-None-Match holds a list of tags, or `*` for "any version", and is compared weakly: W/"v2"
// matches "v2" (RFC 9110 §13.1.2), since the question is only "has it changed?".
function matchesAny(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

// Where the job is now. A real worker would update a database row as it goes; here the status
// follows the clock.
function stateOf(job: Job): { id: number; status: string; result?: string; finishedAt?: number } {
  const elapsed = Date.now() - job.submittedAt;
  if (elapsed < QUEUED_MS) return { id: job.id, status: 'queued' };
  if (elapsed < job.takesMs) return { id: job.id, status: 'transcoding' };
  const finishedAt = job.submittedAt + job.takesMs;
  return { id: job.id, status: 'done', result: `/videos/${job.id}/720p.mp4`, finishedAt };
}

// Back pressure: a burst of short clips, more than the queue holds. A full queue answers
// 503 Service Unavailable with Retry-After; each clip then waits and tries again, doubling the
// wait every time (exponential backoff: 1 s, 2 s, 4 s), and gives up after MAX_TRIES.
const MAX_TRIES = 4;
const START_MS = 1700; // a moment after the uploader, while its long job is still transcoding

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, START_MS));
  const clips = env.params.clips ?? 6;
  let lastAccepted: URL | undefined; // jobs run in order, so this one finishes last
  const tries = await Promise.all(
    Array.from({ length: clips }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 20)); // 20 ms apart, in order
      const { attempt, location } = await upload(server, `clip-${i + 1}.mp4`);
      if (location) lastAccepted = new URL(location, server);
      return attempt;
    }),
  );
  console.log(`${clips} clips sent; tries per clip: ${tries.join(', ')}`);

  // Wait for the queue to drain: poll the last job until it redirects to its result.
  for (let poll = 1; lastAccepted && poll <= 10; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const response = await fetch(lastAccepted);
    if (new URL(response.url).pathname === lastAccepted.pathname) continue;
    console.log(`${lastAccepted.pathname} is done; the queue has drained`);
    return;
  }
}

async function upload(server: URL, title: string) {
  const key = crypto.randomUUID(); // the same key on every retry of this clip
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(new URL('/videos', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ title, seconds: 20 }),
    });
    if (response.status !== 503) {
      const location = response.headers.get('location');
      console.log(`${title}: ${response.status} on try ${attempt}, status at ${location}`);
      return { attempt, location };
    }
    if (attempt === MAX_TRIES) {
      console.warn(`${title}: still 503 after ${attempt} tries; giving up`);
      return { attempt, location: null };
    }
    // Back off: the server's Retry-After, doubled on every refusal. (Real clients add random
    // jitter, so refused clients do not all come back at the same instant.)
    const waitMs = Number(response.headers.get('retry-after') ?? 1) * 1000 * 2 ** (attempt - 1);
    console.log(`${title}: 503 on try ${attempt}, queue full; retrying in ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

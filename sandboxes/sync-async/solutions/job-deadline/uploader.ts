// One way to pass "Give every job a deadline": stop polling on "failed" too.
// Asynchronous Request-Reply: submit a long job, get 202 + a status URL at once, then ask that URL
// when Retry-After says until it answers 303 See Other, which fetch follows to the result.
export default async function main(server: URL): Promise<void> {
  // A bad request is refused at once with 400, not accepted now and failed minutes later.
  const bad = await submit(server, { title: 'holiday.mp4', seconds: 0 });
  console.log(`bad upload: ${bad.status} at once: ${((await bad.json()) as Job).error}`);

  // The real upload carries an Idempotency-Key, so sending it twice creates one job, not two.
  const key = crypto.randomUUID();
  const first = await submit(server, { title: 'holiday.mp4', seconds: 125 }, key);
  const statusUrl = new URL(first.headers.get('location') ?? '', server);
  const retryAfter = Number(first.headers.get('retry-after') ?? 1);
  console.log(`${first.status} Accepted: status at ${statusUrl.pathname}, ask in ${retryAfter} s`);
  const again = await submit(server, { title: 'holiday.mp4', seconds: 125 }, key);
  const sameJob = again.headers.get('location');
  console.log(`the same POST again (as if the 202 was lost): ${again.status}, ${sameJob}`);

  // A second job, then DELETE: cancelling frees its place in the queue.
  const other = await submit(server, { title: 'outtakes.mp4', seconds: 60 }, crypto.randomUUID());
  if (other.status === 202) {
    const otherUrl = new URL(other.headers.get('location') ?? '', server);
    const cancel = await fetch(otherUrl, { method: 'DELETE' });
    const cancelled = (await cancel.json()) as Job;
    console.log(`DELETE ${otherUrl.pathname}: ${cancel.status}, ${cancelled.status}`);
  } else console.log(`a second upload: ${other.status}, so nothing to cancel`);

  // Poll the status URL as Retry-After suggests. Meanwhile this client is free to do other work.
  for (let poll = 1; poll <= 10; poll++) {
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const response = await fetch(statusUrl); // fetch follows a 303 by itself (redirect: 'follow')
    if (response.status === 303) {
      // Only with redirect: 'manual': the client sees the redirect and must follow it itself.
      console.log(`poll ${poll}: 303 See Other, Location ${response.headers.get('location')}`);
      return;
    }
    const landed = new URL(response.url).pathname;
    if (landed !== statusUrl.pathname) {
      const result = await response.json();
      console.log(`poll ${poll}: 303 See Other, followed to ${landed}: ${response.status}`, result);
      return;
    }
    const job = (await response.json()) as Job;
    if (job.status === 'failed') {
      console.warn(`poll ${poll}: ${response.status}, failed: ${job.error}; no point asking again`);
      return;
    }
    console.log(`poll ${poll}: ${response.status}, ${job.status} ${job.progress}%`);
  }
  console.warn('gave up: the job never finished');
}

interface Job {
  status: string;
  progress: number;
  error?: string;
}

function submit(server: URL, video: object, idempotencyKey?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  return fetch(new URL('/videos', server), {
    method: 'POST',
    headers,
    body: JSON.stringify(video),
  });
}

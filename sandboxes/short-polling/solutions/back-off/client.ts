// One way to pass "Back off while the job is not done": the wait doubles after every poll, up to 4 s.
// Short polling: submit the work, get a handle back at once (202 + Location), then ask "is it
// done?" every pollIntervalMs until it is, counting what all that asking cost.
interface Job {
  id: number;
  status: string;
  finishedAt?: number;
}

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const submit = await fetch(new URL('/videos', server), {
    method: 'POST',
    headers: { 'content-type': 'video/mp4' },
    body: 'pretend these are 48 MB of video',
  });
  const handle = new URL(submit.headers.get('location') ?? '', server);
  let known = ((await submit.json()) as Job).status;
  const interval = env.params.pollIntervalMs ?? 500;
  console.log(`${submit.status}: the job is ${known}; its handle is ${handle.pathname}`);

  const cost = { useful: 0, empty: 0, headerBytes: 0, payloadBytes: 0 };
  let wait = interval; // grows while the answer keeps being "not done"
  const giveUpAt = Date.now() + 15_000; // a poll loop needs an exit besides "done"
  for (let poll = 1; known !== 'done' && Date.now() < giveUpAt; poll++) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    const response = await fetch(handle);
    const body = await response.text();
    const headerBytes = sizeOfHeaders(response);
    const payloadBytes = new TextEncoder().encode(body).length;
    cost.headerBytes += headerBytes;
    cost.payloadBytes += payloadBytes;

    // Useful = it told us something we did not know. Most polls just say "not yet".
    const job = JSON.parse(body) as Job;
    const news = job.status !== known;
    cost[news ? 'useful' : 'empty'] += 1;
    known = job.status;
    const bytes = `${headerBytes} B headers + ${payloadBytes} B payload`;
    console.log(`poll ${poll}: ${response.status}, ${bytes}: ${news ? job.status : 'not yet'}`);
    wait = Math.min(wait * 2, 4000); // back off: 500, 1000, 2000, 4000 ms, then stay there
    if (job.finishedAt) {
      // Staleness: how long the result sat there unseen. (Client and server share one clock
      // here; across machines, clocks disagree.)
      const late = Date.now() - job.finishedAt;
      console.log(
        `learned it was done ${late} ms after it finished (polling every ${interval} ms)`,
      );
    }
  }
  if (known !== 'done') console.warn('gave up: the job is still not done');
  console.log(
    `${cost.useful + cost.empty} polls: ${cost.useful} useful, ${cost.empty} empty; ` +
      `received ${cost.headerBytes} B of headers and ${cost.payloadBytes} B of payload`,
  );
}

/** Bytes of the response's header lines (`name: value` + CRLF each), as far as fetch shows them. */
function sizeOfHeaders(response: Response): number {
  let size = 0;
  response.headers.forEach((value, name) => (size += `${name}: ${value}\r\n`.length));
  return size;
}

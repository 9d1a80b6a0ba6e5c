// "Can I do work while I wait?" The same three slow calls (300, 500 and 400 ms), made two ways.
const CALLS_MS = [300, 500, 400];

export default async function main(server: URL): Promise<void> {
  // Blocking style: await each call before starting the next. This function does nothing else
  // until every answer is in (the event loop still runs other code; a blocking read() would not).
  let started = Date.now();
  let chores = 0;
  for (const ms of CALLS_MS) {
    await slowCall(server, ms);
    console.log(`one at a time: the ${ms} ms call answered at ${Date.now() - started} ms`);
  }
  console.log(
    `one at a time: ${Date.now() - started} ms in all, about the sum ` +
      `(${CALLS_MS.join(' + ')}); chores done while waiting: ${chores}`,
  );

  // Non-blocking: start all three calls, then keep working until the last answer arrives.
  started = Date.now();
  let waiting = CALLS_MS.length;
  const answers = CALLS_MS.map((ms) =>
    slowCall(server, ms).then(() => {
      waiting -= 1;
      console.log(`all at once: the ${ms} ms call answered at ${Date.now() - started} ms`);
    }),
  );
  while (waiting > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    chores += 1; // stands for real work: render a frame, serve another user, read a file
  }
  await Promise.all(answers);
  console.log(
    `all at once: ${Date.now() - started} ms in all, about the longest call ` +
      `(${Math.max(...CALLS_MS)}); chores done while waiting: ${chores}`,
  );
}

/** One call to a slow endpoint: the server answers after `ms` milliseconds. */
async function slowCall(server: URL, ms: number): Promise<unknown> {
  const response = await fetch(new URL(`/slow?ms=${ms}`, server));
  return response.json();
}

// notify: emails the owner of each upload. It has a queue of its own, so it sees every upload
// (fan-out). After its third email it goes offline for a deploy. The broker keeps its queue while
// it is away, and notify catches up when it is back. An email sent twice is a real duplicate:
// unlike the thumbnails, this work is not idempotent.
import { consume, sleep } from './consumer.ts';

export default async function main(broker: URL, env: SandboxEnv): Promise<void> {
  const options = {
    queue: 'notify',
    name: 'notify',
    reconnectMs: env.params.notifyOfflineMs ?? 1300,
  };
  let sent = 0;
  await consume(broker, options, async ({ id, image, redelivered }) => {
    await sleep(30); // send the email
    sent += 1;
    console.log(`#${id}: emailed the owner of ${image}${redelivered ? ' (again?)' : ''}`);
    if (sent !== 3) return 'ack';
    console.log('deploying a new version of notify: going offline');
    return 'ack, then go offline';
  });
}

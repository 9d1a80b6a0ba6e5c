// Long polling: ask "anything after #n?" and let the server hold the request until there is.
// As soon as an answer arrives, ask again, so a request is almost always waiting on the server.
import { deliveryLog, type Update } from './updates.ts';

export default async function main(server: URL): Promise<void> {
  const log = deliveryLog();
  let seen = 0;
  let requests = 0;
  while (!log.done) {
    const response = await fetch(new URL(`/long-poll?after=${seen}`, server));
    const updates = (await response.json()) as Update[];
    requests += 1;
    // An empty answer means the server's hold timed out: nothing was missed, just ask again.
    for (const update of updates) {
      log.arrived(update, `long poll ${requests}`);
      seen = update.seq;
    }
  }
  log.summary(requests);
}

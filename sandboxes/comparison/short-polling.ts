// Short polling: ask "anything after #n?" every pollIntervalMs. The server answers at once,
// usually with nothing; an update waits on the server until the next poll comes by.
import { deliveryLog, type Update } from './updates.ts';

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const log = deliveryLog();
  let seen = 0;
  let requests = 0;
  while (!log.done) {
    const response = await fetch(new URL(`/poll?after=${seen}`, server));
    const updates = (await response.json()) as Update[];
    requests += 1;
    if (updates.length === 0) console.log(`poll ${requests}: nothing new`);
    for (const update of updates) {
      log.arrived(update, `poll ${requests}`);
      seen = update.seq;
    }
    if (!log.done) await new Promise((resolve) => setTimeout(resolve, env.params.pollIntervalMs));
  }
  log.summary(requests);
}

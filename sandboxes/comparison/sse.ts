// Server-Sent Events: one request, one response that stays open; the server writes an event
// per update. EventSource parses the stream and would reconnect (with Last-Event-ID) if it broke.
import { deliveryLog, type Update } from './updates.ts';

export default async function main(server: URL): Promise<void> {
  const log = deliveryLog();
  const source = new EventSource(new URL('/events', server));
  // On a drop, EventSource reconnects by itself and sends Last-Event-ID; the server resumes after it.
  source.onerror = () => console.warn('stream interrupted; EventSource is reconnecting');
  await new Promise<void>((resolve) => {
    source.onmessage = (event: MessageEvent<string>) => {
      const update = JSON.parse(event.data) as Update;
      log.arrived(update, `event id ${event.lastEventId}`);
      if (log.done) resolve();
    };
  });
  source.close();
  log.summary(1);
}
